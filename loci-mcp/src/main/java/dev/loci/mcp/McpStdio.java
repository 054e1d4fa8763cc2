package dev.loci.mcp;

import dev.loci.Loci;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;

/**
 * Loci as an MCP server over stdio: JSON-RPC messages one per line on stdin and stdout, for MCP
 * clients that start the server as a child process (Claude Desktop, IDEs, the MCP Inspector).
 * Nothing but protocol goes to stdout; logs go to stderr.
 *
 * <pre>{@code java -cp ... dev.loci.mcp.McpStdio --data-dir mem --tenant acme --user maya}</pre>
 */
public final class McpStdio {
    private McpStdio() {
    }

    /** Runs {@link McpCommand}: serves until stdin ends, then exits. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new McpCommand()).execute(args));
    }

    /**
     * Serves Loci's tools on {@code in} / {@code out} until {@code in} ends (the client closed it),
     * then closes the server. Does not close {@code loci}.
     */
    public static void serve(Loci loci, ConnectionScope scope, InputStream in, OutputStream out)
            throws InterruptedException {
        var ended = new CountDownLatch(1);
        var transport = new StdioServerTransportProvider(McpJsonDefaults.getMapper(), new EndSignal(in, ended), out);
        McpSyncServer server = LociMcp.configure(McpServer.sync(transport), LociMcp.tools(loci, scope));
        try {
            ended.await();
        } finally {
            server.closeGracefully();
        }
    }

    /** Counts {@code ended} down when the stream reports its end or fails. */
    private static final class EndSignal extends FilterInputStream {
        private final CountDownLatch ended;

        EndSignal(InputStream in, CountDownLatch ended) {
            super(in);
            this.ended = ended;
        }

        @Override
        public int read() throws IOException {
            return signal(() -> super.read());
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return signal(() -> super.read(b, off, len));
        }

        @Override
        public void close() throws IOException {
            ended.countDown();
            super.close();
        }

        private int signal(IoRead read) throws IOException {
            try {
                int n = read.run();
                if (n < 0) {
                    ended.countDown();
                }
                return n;
            } catch (IOException | RuntimeException e) {
                ended.countDown();
                throw e;
            }
        }

        @FunctionalInterface
        private interface IoRead {
            int run() throws IOException;
        }
    }
}
