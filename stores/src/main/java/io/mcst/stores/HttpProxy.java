package io.mcst.stores;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * An HTTP proxy that a cloud store sends its requests through (https requests tunnel through it with
 * CONNECT). The password never appears in {@link #toString()}.
 *
 * @param url the proxy, e.g. {@code http://proxy.internal:3128}
 * @param username the user to authenticate to the proxy as; empty: no proxy authentication
 * @param password that user's password; present exactly when the username is
 */
public record HttpProxy(URI url, Optional<String> username, Optional<String> password) {
    public HttpProxy {
        requireNonNull(url, "url");
        requireNonNull(username, "username");
        requireNonNull(password, "password");
        if (url.getHost() == null || url.getPort() < 0) {
            throw new IllegalArgumentException("a proxy URL needs a host and a port, e.g. http://proxy:3128, not " + url);
        }
        if (username.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("a proxy user needs a password, and a password a user");
        }
    }

    /** The value of a {@code Proxy-Authorization} header with these credentials (Basic); empty without a user. */
    public Optional<String> basicAuthorization() {
        return username.map(user -> "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password.orElseThrow()).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String toString() {
        return "HttpProxy[url=" + url + ", username=" + username.orElse("") + password.map(p -> ", password=[hidden]").orElse("") + "]";
    }
}
