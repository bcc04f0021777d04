package io.mcst.stores;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The sorting of failures that the cloud adapters share; their tests show it against real SDKs. */
class StoreFailuresTest {
    private final StoreFailures failures = new StoreFailures("aws", "S3", "bucket", "archive",
            Set.of("AccessDenied"), Set.of("SlowDown"), "fix store.aws.secret.access.key");

    @Test
    void answersAreSortedByStatusAndCode() {
        assertThat(failures.answered("get", "k", 400, "AccessDenied", new RuntimeException()))
                .isExactlyInstanceOf(StoreException.class)
                .hasMessage("store 'aws': get 'k' in bucket 'archive': S3 refused the credentials (400 AccessDenied); "
                        + "fix store.aws.secret.access.key");
        assertThat(failures.answered("put", "k", 403, null, new RuntimeException())).isExactlyInstanceOf(StoreException.class);
        for (int status : new int[] {500, 503, 429, 408}) {
            assertThat(failures.answered("put", "k", status, "x", new RuntimeException()))
                    .isInstanceOf(StoreUnavailableException.class).hasMessageContaining(status + " x");
        }
        assertThat(failures.answered("list", "p/", 400, "SlowDown", new RuntimeException()))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(failures.answered("list", "p/", 400, "InvalidArgument", new RuntimeException("bad prefix")))
                .isExactlyInstanceOf(StoreException.class)
                .hasMessage("store 'aws': list 'p/' in bucket 'archive': S3 answered 400 InvalidArgument: bad prefix");
    }

    @Test
    void answersWithoutAnErrorCodeAreSortedByStatus() {
        assertThat(failures.answered("put", "k", 502, null, new RuntimeException()))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("S3 answered 502 null");
        assertThat(failures.answered("put", "k", 407, null, new RuntimeException("Proxy Authentication Required")))
                .isExactlyInstanceOf(StoreException.class).hasMessageEndingWith("S3 answered 407 null: Proxy Authentication Required");
    }

    @Test
    void aMissingContainerSaysWhichKeyToFix() {
        assertThat(failures.missingContainer(" in region 'eu-west-1'", null))
                .isExactlyInstanceOf(StoreException.class)
                .hasMessage("store 'aws': bucket 'archive' does not exist in region 'eu-west-1'; create it or fix store.aws.bucket");
    }

    @Test
    void failuresWithoutAnAnswerAreSortedByTheirCauses() {
        assertThat(failures.unanswered("get", "k", new UncheckedIOException(new IOException("connection reset"))))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("S3 did not answer");
        assertThat(failures.unanswered("get", "k", new RuntimeException(new TimeoutException())))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(failures.unanswered("get", "k", new IllegalStateException("no credentials anywhere")))
                .isExactlyInstanceOf(StoreException.class).hasMessageEndingWith(": no credentials anywhere");

        assertThat(failures.unanswered("get", "k", new RuntimeException(new InterruptedException())))
                .isInstanceOf(StoreUnavailableException.class).hasMessageEndingWith(": interrupted");
        assertThat(Thread.interrupted()).as("the interrupt is set again for the caller").isTrue();
    }

    @Test
    void noAnswerSaysWhyInTheFirstMessageThatIsMoreThanAWrappedName() {
        assertThat(failures.unanswered("get", "k", new UncheckedIOException(new IOException("connection reset"))))
                .hasMessage("store 'aws': get 'k' in bucket 'archive': S3 did not answer (connection reset)");
        // Azure's refused connection: a wrapper naming a ConnectException that has no message, nor has its cause.
        ConnectException refused = new ConnectException();
        refused.initCause(new ClosedChannelException());
        assertThat(failures.unanswered("get", "k", new RuntimeException(refused)))
                .hasMessage("store 'aws': get 'k' in bucket 'archive': S3 did not answer (ConnectException)");
    }
}
