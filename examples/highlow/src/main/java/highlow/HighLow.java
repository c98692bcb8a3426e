package highlow;

import dev.openenv.core.*;             // openenv-core: Action, Environment, Episode, ResetRequest, StepResult …
import dev.openenv.server.EnvServer;   // openenv-server

record Guess(int number) implements Action {}
record Hint(String hint) {}

public final class HighLow implements Environment<Guess, Hint, BasicState> {
    private final Episode episode = new Episode();   // episode id + step count
    private int secret;
    public StepResult<Hint> reset(ResetRequest request) {   // seed, episode id, task, options
        episode.begin(request);
        secret = request.random().nextInt(100);
        return StepResult.of(new Hint("guess 0..99"), 0.0);
    }
    public StepResult<Hint> step(Guess g) {
        episode.countStep();
        String hint = g.number() == secret ? "correct" : g.number() < secret ? "higher" : "lower";
        return StepResult.of(new Hint(hint), hint.equals("correct") ? 1.0 : 0.0, hint.equals("correct"));
    }
    public BasicState state() { return episode.state(); }

    public static void main(String[] args) {
        EnvServer.serve(HighLow::new);   // HTTP + WebSocket on $PORT (8000), like the Python server
    }
}
