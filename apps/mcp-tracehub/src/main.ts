import './instrument.js';

// Imported only after tracing has started, so every library the app loads is instrumented.
const { main } = await import('./bootstrap.js');
await main();
