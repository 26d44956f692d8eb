package dev.sandboxjobs.engine.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.PreviewOptions;
import dev.sandboxjobs.engine.PreviewOptions.Upstream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** How the proxy chooses between the container IP and the Docker exec tunnel. */
class PreviewUpstreamsTest {
    private static final BooleanSupplier ANSWERS = () -> true;
    private static final BooleanSupplier SILENT = () -> false;

    @Test
    void autoUsesTheContainerIpOnALocalSocketWhenTheIpAnswers() {
        assertThat(PreviewUpstreams.choose(Upstream.AUTO, true, true, ANSWERS)).isEqualTo(Upstream.CONTAINER_IP);
    }

    @Test
    void autoTunnelsThroughDockerWhenTheIpDoesNotAnswer() {
        assertThat(PreviewUpstreams.choose(Upstream.AUTO, true, true, SILENT)).isEqualTo(Upstream.DOCKER_EXEC);
    }

    @Test
    void autoTunnelsThroughDockerForARemoteHostWithoutProbing() {
        AtomicInteger probes = new AtomicInteger();
        assertThat(PreviewUpstreams.choose(Upstream.AUTO, false, true, () -> probes.incrementAndGet() > 0))
                .isEqualTo(Upstream.DOCKER_EXEC);
        assertThat(probes).hasValue(0);
    }

    @Test
    void anExplicitChoiceIsKeptWithoutProbing() {
        BooleanSupplier fails = () -> {
            throw new AssertionError("no probe expected");
        };
        assertThat(PreviewUpstreams.choose(Upstream.CONTAINER_IP, false, true, fails)).isEqualTo(Upstream.CONTAINER_IP);
        assertThat(PreviewUpstreams.choose(Upstream.DOCKER_EXEC, true, true, fails)).isEqualTo(Upstream.DOCKER_EXEC);
    }

    @Test
    void withoutATunnelEveryChoiceFallsBackToTheContainerIp() {
        for (Upstream u : Upstream.values()) {
            assertThat(PreviewUpstreams.choose(u, false, false, SILENT)).isEqualTo(Upstream.CONTAINER_IP);
        }
    }

    @Test
    void anAddressThatAcceptsOrRefusesAnswersAndAnUnknownOneDoesNot() throws Exception {
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(PreviewUpstreams.answers("127.0.0.1", listening.getLocalPort(), Duration.ofSeconds(1))).isTrue();
        }
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        assertThat(PreviewUpstreams.answers("127.0.0.1", closedPort, Duration.ofSeconds(1))).as("refused").isTrue();
        assertThat(PreviewUpstreams.answers(null, 80, Duration.ofSeconds(1))).isFalse();
        assertThat(PreviewUpstreams.answers("no-such-host.invalid", 80, Duration.ofMillis(300))).isFalse();
    }

    @Test
    void theDefaultsAreAutoAndTheBuilderChoiceReplacesIt() {
        assertThat(PreviewOptions.defaults().upstream()).isEqualTo(Upstream.AUTO);
        assertThat(new PreviewOptions("0.0.0.0", 8123, "x.test").withUpstream(Upstream.DOCKER_EXEC))
                .isEqualTo(new PreviewOptions("0.0.0.0", 8123, "x.test", Upstream.DOCKER_EXEC));
    }

    @Test
    void aTunnelledRouteGoesToAPrivateUnixSocketThatRelaysToTheTransport() throws Exception {
        // a transport over a loopback echo server stands in for the exec tunnel
        try (ServerSocket echo = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
                PreviewUpstreams upstreams = new PreviewUpstreams(Upstream.DOCKER_EXEC, false, (id, port) -> {
                    java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), echo.getLocalPort());
                    return new TunnelTransport.Tunnel() {
                        @Override
                        public InputStream input() {
                            try {
                                return s.getInputStream();
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }

                        @Override
                        public OutputStream output() {
                            try {
                                return s.getOutputStream();
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }

                        @Override
                        public void shutdownOutput() throws java.io.IOException {
                            s.shutdownOutput();
                        }

                        @Override
                        public void close() throws java.io.IOException {
                            s.close();
                        }
                    };
                })) {
            Thread server = new Thread(() -> {
                try (java.net.Socket c = echo.accept()) {
                    c.getInputStream().transferTo(c.getOutputStream()); // echo until the client half-closes
                } catch (java.io.IOException ignored) {
                    // the test fails on its side
                }
            });
            server.setDaemon(true);
            server.start();
            PreviewTarget target = new PreviewTarget("sb", "t", PreviewTarget.State.RUNNING, "10.0.0.9", Set.of(8000));
            PreviewRoute route = upstreams.route(target, 8000, "host", "127.0.0.1");
            assertThat(route.tunnel()).isNotNull();
            assertThat(Files.getPosixFilePermissions(route.tunnel().path().getParent()))
                    .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
                            java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
            assertThat(upstreams.route(target, 8000, "host", "127.0.0.1").tunnel()).isEqualTo(route.tunnel());
            try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
                    java.net.UnixDomainSocketAddress.of(route.tunnel().path()))) {
                ch.write(java.nio.ByteBuffer.wrap("ping".getBytes()));
                ch.shutdownOutput(); // the half-close travels to the echo server, which then ends
                byte[] back = java.nio.channels.Channels.newInputStream(ch).readAllBytes();
                assertThat(new String(back)).isEqualTo("ping");
            }
            Path socket = route.tunnel().path();
            assertThat(upstreams.socketOfHost(route.tunnel().host())).isEqualTo(socket);
            assertThat(route.upstream("ws").getHost()).isEqualTo(route.tunnel().host());
            upstreams.forget("sb", -1);
            assertThat(socket).doesNotExist();
            assertThat(upstreams.socketOfHost(route.tunnel().host())).isNull();
        }
    }
}
