package dev.sandboxjobs.engine.internal.proxy;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.PreviewOptions;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request through the preview proxy comes here first: the host name is parsed, the token
 * checked (constant time), the sandbox's state and the port checked, a sleeping sandbox woken;
 * then the request goes on to the WebSocket bridge (an upgrade) or the HTTP forwarder (anything
 * else). Each request on a kept-alive connection passes here on its own, so each is authorised.
 */
final class PreviewRouter extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(PreviewRouter.class);

    private final PreviewOptions options;
    private final PreviewTargets targets;
    private final PreviewWebSockets webSockets;
    private final PreviewUpstreams upstreams;

    PreviewRouter(PreviewOptions options, PreviewTargets targets, PreviewForwarder forwarder, PreviewWebSockets webSockets,
            PreviewUpstreams upstreams) {
        super(forwarder);
        this.upstreams = Objects.requireNonNull(upstreams, "upstreams");
        this.options = Objects.requireNonNull(options, "options");
        this.targets = Objects.requireNonNull(targets, "targets");
        this.webSockets = Objects.requireNonNull(webSockets, "webSockets");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HttpURI uri = request.getHttpURI();
        // the authority of an absolute-form target wins over the Host header, as HTTP/1.1 says; Jetty resolves that
        String authority = uri.getHost() == null ? request.getHeaders().get(HttpHeader.HOST)
                : uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        Optional<PreviewHost> parsed = PreviewHost.parse(authority, options.hostSuffix());
        if (parsed.isEmpty()) {
            return PreviewErrors.send(response, callback, 404, "Not found", "NOT_FOUND", "This is the Sandbox Jobs preview "
                    + "proxy, and this host name is not a preview URL. Preview URLs look like http://{port}-{sandbox}-{token}."
                    + options.hostSuffix() + ":{proxyPort}/ and are returned by sandbox.exposePort(port).");
        }
        PreviewHost host = parsed.get();
        PreviewTarget sandbox = null;
        for (PreviewTarget candidate : targets.lookup(host.label())) {
            if (PreviewTokens.matches(candidate.token(), host.token())) {
                sandbox = candidate;
            }
        }
        if (sandbox == null) {
            return PreviewErrors.send(response, callback, 404, "Not found", "NOT_FOUND", "No preview at this address. The URL "
                    + "is wrong or incomplete (it must carry the token returned by exposePort), or the sandbox no longer exists.");
        }
        if (sandbox.state() == PreviewTarget.State.GONE) {
            return PreviewErrors.send(response, callback, 410, "Sandbox destroyed", ErrorCode.SANDBOX_DESTROYED.name(),
                    "Sandbox " + sandbox.sandboxId() + " has been destroyed, and its preview URLs with it.");
        }
        if (!sandbox.exposedPorts().contains(host.port())) {
            return PreviewErrors.send(response, callback, 404, "Port not exposed", ErrorCode.PORT_NOT_EXPOSED.name(), "Port "
                    + host.port() + " of sandbox " + sandbox.sandboxId() + " is not exposed. Call sandbox.exposePort("
                    + host.port() + ") first; exposed ports: " + sandbox.exposedPorts() + ".");
        }
        if (sandbox.state() == PreviewTarget.State.SLEEPING) {
            Optional<PreviewTarget> woken = wake(sandbox.sandboxId());
            if (woken.isEmpty() || woken.get().state() != PreviewTarget.State.RUNNING) {
                return PreviewErrors.send(response, callback, 503, "Sandbox asleep", "SANDBOX_ASLEEP", "Sandbox "
                        + sandbox.sandboxId() + " is asleep and could not be woken. Retry, or wake it with engine.getSandbox(id).");
            }
            sandbox = woken.get();
        }
        PreviewRoute route;
        try {
            route = upstreams.route(sandbox, host.port(), authority, Request.getRemoteAddr(request));
        } catch (PreviewUpstreams.NoAddressException e) {
            return PreviewErrors.send(response, callback, 503, "Sandbox not running", "SANDBOX_NOT_RUNNING", "Sandbox "
                    + sandbox.sandboxId() + " has no network address right now. Retry shortly.");
        } catch (java.io.IOException e) {
            LOG.warn("no route to port {} of sandbox {}", host.port(), sandbox.sandboxId(), e);
            return PreviewErrors.send(response, callback, 502, "No route", "TUNNEL_FAILED", "The preview proxy could not reach"
                    + " port " + host.port() + " of sandbox " + sandbox.sandboxId() + ": " + e.getMessage());
        }
        // an open connection keeps the sandbox awake (it does not sleep under a live preview)
        Runnable release = hold(sandbox.sandboxId());
        if (PreviewWebSockets.isUpgrade(request)) {
            return webSockets.upgrade(route, release, request, response, callback);
        }
        request.setAttribute(PreviewRoute.ATTRIBUTE, route);
        boolean handled;
        try {
            handled = super.handle(request, response, Callback.from(callback, release));
        } catch (Exception | Error e) {
            release.run();
            throw e;
        }
        if (!handled) {
            release.run();
        }
        return handled;
    }

    /** Holds the sandbox awake until the returned action runs (once; later runs do nothing). */
    private Runnable hold(String sandboxId) {
        AutoCloseable held = targets.connectionOpened(sandboxId);
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                try {
                    held.close();
                } catch (Exception e) {
                    LOG.debug("releasing a preview connection's hold on {} failed", sandboxId, e);
                }
            }
        };
    }

    private Optional<PreviewTarget> wake(String sandboxId) {
        try {
            return targets.wake(sandboxId);
        } catch (RuntimeException e) {
            LOG.warn("could not wake sandbox {} for a preview request", sandboxId, e);
            return Optional.empty();
        }
    }
}
