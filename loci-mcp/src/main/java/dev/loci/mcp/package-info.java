/**
 * Loci as an MCP server: its operations as tools a language model can call (add, search, context,
 * get, update, history, delete, delete all, profile), served over stdio ({@link dev.loci.mcp.McpStdio},
 * {@link dev.loci.mcp.McpCommand}) or streamable HTTP behind a bearer key ({@link dev.loci.mcp.McpHttp}).
 * {@link dev.loci.mcp.LociMcp} builds the tool set over any {@link dev.loci.Loci}.
 *
 * <p>The tenant is fixed per server or connection and never comes from the model; the user defaults
 * from configuration and a call may name another with {@code user_id}.
 */
package dev.loci.mcp;
