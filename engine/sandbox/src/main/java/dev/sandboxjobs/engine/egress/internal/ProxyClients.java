package dev.sandboxjobs.engine.egress.internal;

import java.util.List;

/**
 * What makes the common clients in a proxied sandbox send their traffic to the egress proxy: the
 * environment every process gets, and a script (run once as root when the container starts) that
 * gives the sandbox's user the settings files of the build tools that ignore the environment.
 *
 * <ul>
 * <li>environment: {@code HTTP(S)_PROXY} in both cases (curl, wget, git, pip, Go, cargo, npm, pnpm,
 *     yarn classic, corepack), {@code npm_config_(https_)proxy}, {@code YARN_HTTP(S)_PROXY} (Yarn
 *     Berry reads only its own settings), {@code NO_PROXY} for the loopback;</li>
 * <li>{@code ~/.m2/settings.xml} with the proxy for {@code http} and {@code https}: Maven (3 and 4,
 *     the wrapper too) reads proxies from its settings only;</li>
 * <li>{@code ~/.gradle/gradle.properties} with {@code systemProp.http(s).proxyHost/Port}: Gradle's
 *     way, also for the wrapper's download.</li>
 * </ul>
 *
 * <p>A settings file the image or the user already has is left as it is, and so is a directory or
 * file that is a symbolic link: the script runs as root in a container whose home may come from a
 * snapshot the sandbox's user wrote, and must not write or chown through a link planted there. The home is the user's
 * in {@code /etc/passwd} (root's when the sandbox runs as root); a user without a home gets none.
 */
public final class ProxyClients {
    private ProxyClients() {}

    /** The environment of a proxied container whose proxy is {@code host:port}. */
    public static List<String> environment(String host, int port) {
        String url = "http://" + host + ":" + port;
        String noProxy = "localhost,127.0.0.1,::1";
        return List.of("HTTP_PROXY=" + url, "HTTPS_PROXY=" + url, "http_proxy=" + url, "https_proxy=" + url,
                "NO_PROXY=" + noProxy, "no_proxy=" + noProxy, "npm_config_proxy=" + url,
                "npm_config_https_proxy=" + url, "YARN_HTTP_PROXY=" + url, "YARN_HTTPS_PROXY=" + url);
    }

    /**
     * A shell function {@code sj_proxy_clients USER} (run as root; {@code SJ_PROXY_HOST} and
     * {@code SJ_PROXY_PORT} in the environment) writing the build tools' settings into the home of
     * {@code USER} (a name or a uid, {@code uid:gid} accepted), owned by that user.
     */
    public static final String SCRIPT = String.join("\n",
            "sj_proxy_clients() {",
            "  owner=\"$1\"; u=\"${owner%%:*}\"",
            "  home=$(getent passwd \"$u\" 2>/dev/null | cut -d: -f6) || return 0",
            "  if [ -z \"$home\" ] || [ \"$home\" = / ] || [ ! -d \"$home\" ]; then return 0; fi",
            "  if [ ! -L \"$home/.m2\" ] && [ ! -L \"$home/.m2/settings.xml\" ] && [ ! -e \"$home/.m2/settings.xml\" ]; then",
            "    mkdir -p \"$home/.m2\"",
            "    { echo '<settings xmlns=\"http://maven.apache.org/SETTINGS/1.0.0\">'",
            "      echo '  <!-- written by Sandbox Jobs: the egress proxy of this sandbox -->'",
            "      echo '  <proxies>'",
            "      for p in https http; do",
            "        echo \"    <proxy><id>sandbox-jobs-egress-$p</id><active>true</active><protocol>$p</protocol>"
                    + "<host>$SJ_PROXY_HOST</host><port>$SJ_PROXY_PORT</port>"
                    + "<nonProxyHosts>localhost|127.0.0.1</nonProxyHosts></proxy>\"",
            "      done",
            "      echo '  </proxies>'",
            "      echo '</settings>'; } > \"$home/.m2/settings.xml\"",
            "    chown -h \"$owner\" \"$home/.m2\" \"$home/.m2/settings.xml\"",
            "  fi",
            "  if [ ! -L \"$home/.gradle\" ] && [ ! -L \"$home/.gradle/gradle.properties\" ]"
                    + " && [ ! -e \"$home/.gradle/gradle.properties\" ]; then",
            "    mkdir -p \"$home/.gradle\"",
            "    { echo '# written by Sandbox Jobs: the egress proxy of this sandbox'",
            "      for p in https http; do",
            "        echo \"systemProp.$p.proxyHost=$SJ_PROXY_HOST\"",
            "        echo \"systemProp.$p.proxyPort=$SJ_PROXY_PORT\"",
            "        echo \"systemProp.$p.nonProxyHosts=localhost|127.0.0.1\"",
            "      done; } > \"$home/.gradle/gradle.properties\"",
            "    chown -h \"$owner\" \"$home/.gradle\" \"$home/.gradle/gradle.properties\"",
            "  fi",
            "}");

    /** The environment {@link #SCRIPT} needs. */
    public static List<String> scriptEnvironment(String host, int port) {
        return List.of("SJ_PROXY_HOST=" + host, "SJ_PROXY_PORT=" + port);
    }
}
