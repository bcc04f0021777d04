package io.mcst.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A local Azure Blob cloud: Azurite from npm ({@code azurite-blob}), installed once under the demo's state
 * directory, blobs kept under {@code <dir>/data}. Uses the public development account devstoreaccount1.
 */
final class AzuriteServer implements AutoCloseable {
    static final String ACCOUNT = "devstoreaccount1";
    /** Azurite's well-known development key: public, not a secret. */
    static final String ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /**
     * Azurite answers SIGTERM by waiting for open connections to drain, which can take half a minute; its data
     * is the demo's scratch state, so it gets little time before a hard stop (an outage, as far as clients see).
     */
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);

    private final LocalProcess process;
    private final int port;
    private final Path data;

    private AzuriteServer(LocalProcess process, int port, Path data) {
        this.process = process;
        this.port = port;
        this.data = data;
    }

    /** Installs {@code azurite@version} under {@code installDir} with npm unless it is there already. */
    static Path install(Path installDir, String version, Path log) throws InterruptedException {
        Path bin = installDir.resolve("node_modules/.bin/azurite-blob");
        Path marker = installDir.resolve("node_modules/azurite/package.json");
        try {
            if (Files.isRegularFile(marker) && Files.readString(marker).contains("\"version\": \"" + version + "\"")) {
                return bin;
            }
            Files.createDirectories(installDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + installDir, e);
        }
        LocalProcess npm = LocalProcess.start("npm install azurite",
                List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", installDir.toAbsolutePath().toString(), "azurite@" + version),
                installDir, log);
        int exit = npm.waitFor(Duration.ofMinutes(5));
        if (exit != 0 || !Files.isExecutable(bin)) {
            throw new IllegalStateException("npm install azurite@" + version + " failed (exit " + exit + "); see " + log);
        }
        return bin;
    }

    static AzuriteServer start(Path dir, Path azuriteBlob) throws InterruptedException {
        int port = Net.freePort();
        Path data = dir.resolve("data").toAbsolutePath();
        try {
            Files.createDirectories(data);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + data, e);
        }
        LocalProcess process = LocalProcess.start("azurite",
                List.of(azuriteBlob.toAbsolutePath().toString(), "--blobHost", Net.HOST, "--blobPort", Integer.toString(port),
                        "--location", data.toString(), "--skipApiVersionCheck", "--loose", "--silent"),
                dir, dir.resolve("azurite.log"), STOP_GRACE);
        process.awaitReady(() -> Net.awaitListening(port, process, Duration.ofMinutes(1)));
        return new AzuriteServer(process, port, data);
    }

    /**
     * Creates blob container {@code name}: the azure-blob store, like a real deployment, expects it to exist.
     * One REST call signed with the account key (Shared Key), so the demo needs no Azure SDK of its own.
     */
    void createContainer(String name) throws IOException, InterruptedException {
        String version = "2021-12-02";
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
        String stringToSign = String.join("\n", "PUT", "", "", "", "", "", "", "", "", "", "", "",
                "x-ms-date:" + date, "x-ms-version:" + version,
                "/" + ACCOUNT + "/" + ACCOUNT + "/" + name + "\nrestype:container");
        String signature;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(ACCOUNT_KEY), "HmacSHA256"));
            signature = Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + Net.HOST + ":" + port + "/" + ACCOUNT + "/" + name + "?restype=container"))
                .timeout(Duration.ofSeconds(30))
                .header("x-ms-date", date)
                .header("x-ms-version", version)
                .header("Authorization", "SharedKey " + ACCOUNT + ":" + signature)
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException("Azurite did not create container " + name + ": " + response.statusCode() + " " + response.body());
        }
    }

    /** The connection string of the development account on this server (a secret in real deployments). */
    String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + ACCOUNT_KEY
                + ";BlobEndpoint=http://" + Net.HOST + ":" + port + "/" + ACCOUNT + ";";
    }

    Path data() {
        return data;
    }

    @Override
    public void close() {
        process.close();
    }
}
