package dev.sandboxjobs.engine.internal.docker;

import java.util.List;

/**
 * The relay programs of {@link ExecPortTunnel}: each connects to {@code 127.0.0.1:$1} inside the
 * container, says {@code OK <name>} (or {@code REFUSED}) on stderr, then copies stdin to the
 * connection and the connection to stdout. Python and Perl pass a half-close on (stdin's EOF
 * shuts the connection's write side; the relay ends when the service closes); bash cannot, so
 * its relay ends when either side does. A fixed {@code sh} launcher picks the first program the
 * image has; the programs travel in the environment and the port as an argument, so no shell
 * string is ever built from data.
 */
public final class Relays {
    /** A relay program. */
    public enum Relay { PYTHON3, PERL, BASH }

    /** The order tried when nothing else is said: the fastest first. */
    public static final List<Relay> DEFAULT_ORDER = List.of(Relay.PYTHON3, Relay.PERL, Relay.BASH);

    static final String LAUNCHER = """
            for r in $SJ_RELAYS; do
              case "$r" in
                python3) if command -v python3 >/dev/null 2>&1; then exec python3 -I -c "$SJ_RELAY_PY" "$1"; fi ;;
                perl) if command -v perl >/dev/null 2>&1; then exec perl -e "$SJ_RELAY_PL" "$1"; fi ;;
                bash) if command -v bash >/dev/null 2>&1; then exec bash -c "$SJ_RELAY_BASH" sj-relay "$1"; fi ;;
              esac
            done
            echo NORELAY >&2
            exit 127
            """;

    static final String PYTHON = """
            import os, socket, sys, threading
            try:
                s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            except OSError as e:
                os.write(2, ("REFUSED %s\\n" % e).encode())
                sys.exit(1)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            os.write(2, b"OK python3\\n")
            def up():
                try:
                    while True:
                        d = os.read(0, 65536)
                        if not d:
                            break
                        s.sendall(d)
                except OSError:
                    pass
                try:
                    s.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
            threading.Thread(target=up, daemon=True).start()
            try:
                while True:
                    d = s.recv(65536)
                    if not d:
                        break
                    v = memoryview(d)
                    while v:
                        v = v[os.write(1, v):]
            except OSError:
                pass
            """;

    static final String PERL = """
            use strict; use IO::Socket::INET; use IO::Select;
            my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $ARGV[0], Proto => "tcp");
            unless ($s) { syswrite(STDERR, "REFUSED $!\\n"); exit 1; }
            syswrite(STDERR, "OK perl\\n");
            binmode STDIN; binmode STDOUT; binmode $s;
            my $sel = IO::Select->new(\\*STDIN, $s);
            my $buf;
            sub put { my ($fh, $n) = @_; my $off = 0;
              while ($off < $n) { my $w = syswrite($fh, $buf, $n - $off, $off); exit 0 unless defined $w; $off += $w; } }
            while (1) {
              for my $fh ($sel->can_read) {
                if (fileno($fh) == fileno($s)) {
                  my $n = sysread($s, $buf, 65536);
                  exit 0 unless $n;
                  put(\\*STDOUT, $n);
                } else {
                  my $n = sysread(STDIN, $buf, 65536);
                  if (!$n) { $sel->remove(\\*STDIN); shutdown($s, 1); next; }
                  put($s, $n);
                }
              }
            }
            """;

    static final String BASH = """
            if ! { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null; then echo REFUSED >&2; exit 1; fi
            echo "OK bash" >&2
            exec 4<&0
            cat <&3 & r=$!
            cat <&4 >&3 & w=$!
            wait -n 2>/dev/null || wait "$r"
            kill "$r" "$w" 2>/dev/null
            exit 0
            """;

    private Relays() {}

    /** The exec's argv for a tunnel to {@code port}. */
    static List<String> argv(int port) {
        return List.of("sh", "-c", LAUNCHER, "sj-relay", Integer.toString(port));
    }

    /** The exec's environment: the programs, and the order to try them in (names, space-separated). */
    static List<String> env(String order) {
        return List.of("SJ_RELAYS=" + order, "SJ_RELAY_PY=" + PYTHON, "SJ_RELAY_PL=" + PERL, "SJ_RELAY_BASH=" + BASH,
                "PERL5OPT=", "PERL5LIB=");
    }
}
