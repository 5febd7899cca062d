package org.postline.app.cli;

import java.io.IOException;
import java.util.Optional;
import org.postline.api.StoreException;
import org.postline.api.config.ServerConfig;
import org.postline.app.admin.AdminClient;
import org.postline.app.admin.AdminCommands;
import org.postline.app.admin.AdminRequest;
import org.postline.app.admin.AdminResponse;
import org.postline.app.admin.KnownProcessors;
import org.postline.app.server.StoreOpener;
import org.postline.store.Store;

/**
 * Runs an admin command wherever it can be run: through the running server's admin socket, or, when no server
 * answers, on the store opened directly (embedded Derby admits one process, so never both at once).
 */
public final class AdminGateway {

    private final ServerConfig config;

    public AdminGateway(ServerConfig config) {
        this.config = config;
    }

    public AdminResponse execute(AdminRequest request) {
        try {
            Optional<AdminResponse> viaServer = new AdminClient(config.admin().socket()).send(request);
            if (viaServer.isPresent()) {
                return viaServer.get();
            }
            return executeOnStore(request);
        } catch (IOException e) {
            throw new CliException(CliException.FAILED, "the admin channel failed: " + e.getMessage(), e);
        } finally {
            request.wipe();
        }
    }

    private AdminResponse executeOnStore(AdminRequest request) {
        Store store;
        try {
            store = StoreOpener.open(config);
        } catch (StoreException e) {
            String message = e.getMessage();
            if (message != null && message.contains("in use")) {
                message += " (no server answers on the admin socket " + config.admin().socket()
                        + ": if a server is running, is it still starting, or does it use another admin/socket?)";
            }
            throw new CliException(CliException.FAILED, "cannot open the store: " + message, e);
        } catch (IOException e) {
            throw new CliException(CliException.FAILED, "cannot create " + config.varDirectory() + ": " + e.getMessage(), e);
        }
        try (store) {
            // No pipeline runs: reprocess targets are checked against the pipeline file, if it can be read.
            return new AdminCommands(store, KnownProcessors.fromPipelineFile(config.mailetContainerFile())).execute(request);
        }
    }
}
