// Contracts of mcp-config: one folder per message (subject, validated request class, reply type).
export {};
