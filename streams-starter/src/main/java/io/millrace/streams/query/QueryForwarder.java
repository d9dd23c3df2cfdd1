package io.millrace.streams.query;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a query on to the instance that owns its partition, marked as forwarded so that it is never forwarded again,
 * with the JDK's HTTP client (one per handler, its connections kept alive between requests).
 */
final class QueryForwarder {

    /** Marks a forwarded request: the instance that gets it answers or says 503, and forwards nothing. */
    static final String FORWARDED_HEADER = "X-Millrace-Forwarded";

    private final HttpClient client;

    private final Duration timeout;

    QueryForwarder(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    }

    /**
     * Sends a GET to another instance.
     * @param baseUrl the instance's advertised URL
     * @param pathAndQuery the request's path and query, already encoded
     * @return the answer, or a failed future if the instance could not be reached in time
     */
    CompletableFuture<Answer> get(String baseUrl, String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stripSlash(baseUrl) + pathAndQuery))
            .timeout(this.timeout)
            .header(FORWARDED_HEADER, "true")
            .header("Accept", "application/json")
            .GET()
            .build();
        return this.client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
            .thenApply((response) -> new Answer(response.statusCode(), response.body(),
                    response.headers().firstValue("Retry-After").orElse(null)));
    }

    /**
     * Sends a GET and waits for the answer.
     * @param baseUrl the instance's advertised URL
     * @param pathAndQuery the request's path and query, already encoded
     * @return the answer
     * @throws IOException if the instance could not be reached in time
     */
    Answer getNow(String baseUrl, String pathAndQuery) throws IOException {
        try {
            return get(baseUrl, pathAndQuery).join();
        }
        catch (java.util.concurrent.CompletionException ex) {
            throw new IOException("Instance " + baseUrl + " did not answer: " + ex.getCause(), ex.getCause());
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * What another instance answered.
     * @param status the HTTP status
     * @param body the body, JSON
     * @param retryAfter its {@code Retry-After} header, or {@code null}
     */
    record Answer(int status, String body, String retryAfter) {
    }
}
