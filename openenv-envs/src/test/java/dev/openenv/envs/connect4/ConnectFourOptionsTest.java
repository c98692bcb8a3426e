package dev.openenv.envs.connect4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.openenv.core.ResetRequest;
import dev.openenv.core.protocol.ErrorCode;
import dev.openenv.core.protocol.Failure;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A bad reset option is the caller's mistake: 422 / VALIDATION_ERROR naming the option, not a 500. */
@Timeout(30)
class ConnectFourOptionsTest {

    @Test
    void anUnknownOpponentIsAValidationErrorNamingTheOption() {
        var env = new ConnectFourEnvironment();
        Failure failure = Failure.of(catchThrowable(() -> env.reset(ResetRequest.none().withOptions(Map.of("opponent", "grandmaster")))));
        assertThat(failure.httpStatus()).isEqualTo(422);
        assertThat(failure.code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
        assertThat(failure).isInstanceOfSatisfying(Failure.Invalid.class, invalid -> {
            assertThat(invalid.errors()).singleElement().satisfies(e -> {
                assertThat(e.loc()).containsExactly("opponent");
                assertThat(e.msg()).contains("random, greedy or minimax").contains("grandmaster");
            });
        });
    }

    @Test
    void anOutOfRangeDepthIsAValidationErrorToo() {
        var env = new ConnectFourEnvironment();
        Failure failure = Failure.of(catchThrowable(() -> env.reset(ResetRequest.none().withOptions(Map.of("opponent", "minimax", "depth", 99)))));
        assertThat(failure.httpStatus()).isEqualTo(422);
        assertThat(((Failure.Invalid) failure).errors().getFirst().loc()).containsExactly("depth");
    }
}
