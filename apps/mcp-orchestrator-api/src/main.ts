import './instrument.js';
import { loadEnvOrExit } from '#env';
import { orchestratorApiEnvSchema } from './env.js';

// A bad environment stops the process here, before the much heavier application is even loaded.
loadEnvOrExit(orchestratorApiEnvSchema);
// Imported only after tracing has started, so every library the app loads is instrumented.
const { main } = await import('./bootstrap.js');
await main();
