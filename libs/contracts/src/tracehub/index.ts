// Contracts of mcp-tracehub: one folder per message (subject, validated request class, reply type).
export {};
