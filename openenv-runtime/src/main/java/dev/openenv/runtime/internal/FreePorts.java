package dev.openenv.runtime.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on the loopback interface. */
public final class FreePorts {
    private FreePorts() {}

    /**
     * A port nothing listens on right now. Another process may take it before the server binds it;
     * providers retry on "address already in use".
     */
    public static int pick() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on the loopback interface", e);
        }
    }

    /** Whether {@code logs} say the server lost the race for its port. */
    public static boolean lostPortRace(String logs) {
        return logs.contains("Address already in use") || logs.contains("BindException") || logs.contains("address already in use");
    }
}
