package dev.sandboxjobs.engine.egress.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import java.util.Map;

/**
 * The Docker network of proxied sandboxes, {@value #NAME}: internal (Docker routes nothing
 * from it to the outside) and without inter-container traffic ({@code enable_icc=false}), so
 * that neither the outside nor another sandbox is reachable even before the firewall rules of a
 * sandbox are in place. Its gateway address is the Docker host's; the egress proxy listens there.
 * One network per Docker host, shared by every engine, created on first use and left in place
 * (like Docker's own {@code bridge}).
 */
final class EgressNetwork {
    static final String NAME = "sandbox-jobs-egress";
    static final String LABEL = "dev.sandboxjobs.network";
    private static final String ICC = "com.docker.network.bridge.enable_icc";

    private final DockerClient docker;

    EgressNetwork(DockerClient docker) {
        this.docker = docker;
    }

    /** Creates the network unless it exists; returns its gateway address. */
    String ensure() {
        Network n = inspect();
        if (n == null) {
            try {
                docker.createNetworkCmd().withName(NAME).withDriver("bridge").withInternal(true)
                        .withOptions(Map.of(ICC, "false")).withLabels(Map.of(LABEL, "egress"))
                        .withCheckDuplicate(true).exec();
            } catch (ConflictException e) {
                // created by another engine meanwhile
            }
            n = inspect();
        }
        if (n == null) {
            throw new IllegalStateException("the network " + NAME + " could not be created");
        }
        if (!Boolean.TRUE.equals(n.getInternal()) || !"false".equals(n.getOptions() == null ? null : n.getOptions().get(ICC))) {
            throw new IllegalStateException("a network named " + NAME + " exists but is not internal with enable_icc=false;"
                    + " remove it (docker network rm " + NAME + ") so that the engine creates its own");
        }
        if (n.getIpam() == null || n.getIpam().getConfig() == null || n.getIpam().getConfig().isEmpty()
                || n.getIpam().getConfig().get(0).getGateway() == null) {
            throw new IllegalStateException("the network " + NAME + " has no gateway address");
        }
        return n.getIpam().getConfig().get(0).getGateway();
    }

    private Network inspect() {
        try {
            return docker.inspectNetworkCmd().withNetworkId(NAME).exec();
        } catch (NotFoundException e) {
            return null;
        }
    }
}
