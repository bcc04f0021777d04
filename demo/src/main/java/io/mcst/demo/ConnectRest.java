package io.mcst.demo;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The few calls of Connect's REST API the demo and the tests make. */
final class ConnectRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    ConnectRest(URI base) {
        this.base = requireNonNull(base, "base");
    }

    URI base() {
        return base;
    }

    /**
     * Creates or updates connector {@code name} ({@code PUT /connectors/<name>/config}), retrying while the
     * worker answers 409 (a rebalance is in progress, common right after start).
     */
    void putConnector(String name, Map<String, String> config) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(config);
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = exchange("PUT", "/connectors/" + name + "/config", body);
            if (response.statusCode() != 409 || attempt == 30) {
                checked(response);
                return;
            }
            Thread.sleep(1_000);
        }
    }

    /**
     * Deletes connector {@code name} ({@code DELETE /connectors/<name>}), retrying while the worker answers 409,
     * and returns once the worker no longer knows it.
     */
    void deleteConnector(String name) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = exchange("DELETE", "/connectors/" + name, null);
            if (response.statusCode() != 409 || attempt == 30) {
                checked(response);
                break;
            }
            Thread.sleep(1_000);
        }
        for (int attempt = 1; status(name).isPresent(); attempt++) {
            if (attempt == 60) {
                throw new IOException("connector " + name + " still listed 30 s after it was deleted");
            }
            Thread.sleep(500);
        }
    }

    /** {@code GET /connectors/<name>/status}, or empty while the worker does not know the connector yet. */
    Optional<JsonNode> status(String name) throws IOException, InterruptedException {
        HttpResponse<String> response = exchange("GET", "/connectors/" + name + "/status", null);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(JSON.readTree(checked(response)));
    }

    /** Throws, with the worker's stack trace, if connector {@code name} or one of its tasks has failed. */
    void ensureNotFailed(String name, String hint) throws IOException, InterruptedException {
        Optional<JsonNode> found = status(name);
        if (found.isEmpty()) {
            return; // just created: the worker has not published a status yet
        }
        JsonNode status = found.get();
        if ("FAILED".equals(status.path("connector").path("state").asText())) {
            throw new IllegalStateException(name + " failed: " + status.path("connector").path("trace").asText() + "\n(" + hint + ")");
        }
        for (JsonNode task : status.path("tasks")) {
            if ("FAILED".equals(task.path("state").asText())) {
                throw new IllegalStateException(name + " task " + task.path("id").asText() + " failed: "
                        + task.path("trace").asText() + "\n(" + hint + ")");
            }
        }
    }

    /** The classes of every connector plugin the worker found ({@code GET /connector-plugins}). */
    List<String> connectorPlugins() throws IOException, InterruptedException {
        List<String> classes = new ArrayList<>();
        JSON.readTree(send("GET", "/connector-plugins", null)).forEach(plugin -> classes.add(plugin.get("class").asText()));
        return classes;
    }

    /** Whether the worker answers at all ({@code GET /}). */
    boolean isUp() throws InterruptedException {
        try {
            send("GET", "/", null);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private String send(String method, String path, String body) throws IOException, InterruptedException {
        return checked(exchange(method, path, body));
    }

    private static String checked(HttpResponse<String> response) throws IOException {
        if (response.statusCode() / 100 != 2) {
            throw new IOException(response.request().method() + " " + response.uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private HttpResponse<String> exchange(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
