// Loaded first by main.ts: tracing must hook module loading before the app's modules are imported.
import { startTracing } from '#tracing';

await startTracing('mcp-orchestrator-api');
