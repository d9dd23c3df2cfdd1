package io.millrace.streams.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.1 client on a bare socket, for what a well-behaved client will not do: announce a body it never
 * sends, or send a chunked body that never ends. Reads only the status line of the answer.
 */
final class RawHttp implements AutoCloseable {

    /** No wait on the socket longer than this; generous on a loaded machine. */
    private static final int READ_TIMEOUT_MILLIS = 60_000;

    private final Socket socket;

    private Thread writer;

    private RawHttp(Socket socket) {
        this.socket = socket;
    }

    static RawHttp connect(int port) throws IOException {
        Socket socket = new Socket("localhost", port);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        return new RawHttp(socket);
    }

    void write(String text) throws IOException {
        OutputStream out = this.socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Writes 8 KB chunks on another thread until the socket closes; the body is never terminated. */
    void writeChunksUntilClosed() {
        byte[] chunk = ("2000\r\n" + "z".repeat(0x2000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        this.writer = new Thread(() -> {
            try {
                OutputStream out = this.socket.getOutputStream();
                while (!this.socket.isClosed()) {
                    out.write(chunk);
                }
            }
            catch (IOException ex) {
                // The server closed the connection, or the test did: the body ends here.
            }
        }, "raw-http-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Waits for the answer's status line.
     * @return e.g. {@code HTTP/1.1 413 }
     * @throws IOException if the connection ends before a whole line
     */
    String statusLine() throws IOException {
        InputStream in = this.socket.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int read;
        while ((read = in.read()) != -1 && read != '\n') {
            line.write(read);
        }
        if (read == -1) {
            throw new IOException("Connection closed before a status line; read '" + line + "'");
        }
        return line.toString(StandardCharsets.US_ASCII).trim();
    }

    @Override
    public void close() throws IOException {
        this.socket.close();
    }
}
