// Contracts of mcp-orchestrator: one folder per message (subject, validated request class, reply type).
export {};
