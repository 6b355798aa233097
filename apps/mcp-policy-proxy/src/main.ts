import './instrument.js';
import { loadEnvOrExit } from '#env';
import { policyProxyEnvSchema } from './env.js';

// A bad environment stops the process here, before the much heavier application is even loaded.
loadEnvOrExit(policyProxyEnvSchema);
// Imported only after tracing has started, so every library the app loads is instrumented.
const { main } = await import('./bootstrap.js');
await main();
