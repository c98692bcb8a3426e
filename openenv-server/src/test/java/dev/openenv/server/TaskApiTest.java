package dev.openenv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openenv.core.json.WireCodec;
import dev.openenv.envs.wordle.WordleEnvironment;
import dev.openenv.server.testing.LocalServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** 0.10's Task API routes: bodies and status codes as the reference serves them. */
@Timeout(30)
class TaskApiTest {
    @RegisterExtension
    final LocalServers servers = new LocalServers();
    EnvServer server;

    private EnvServer start(String bundled, ServerMode mode) {
        return servers.startBundled(bundled, c -> c.withMode(mode));
    }

    record Reply(int status, JsonNode body) {}

    Reply get(String path) throws Exception {
        var r = servers.get(path);
        return new Reply(r.statusCode(), WireCodec.standard().parse(r.body()));
    }

    Reply post(String path, String body) throws Exception {
        var r = servers.post(path, body);
        return new Reply(r.statusCode(), WireCodec.standard().parse(r.body()));
    }

    @Test
    void anEnvironmentWithTasksServesAllSixRoutesInBothModes() throws Exception {
        for (ServerMode mode : ServerMode.values()) {
            server = start("wordle", mode);
            String name = get("/list_environments").body().get(0).asString();
            assertThat(name).isEqualTo("wordle");
            assertThat(get("/WORDLE/splits").body().toString())
                    .isEqualTo("[{\"name\":\"train\",\"type\":\"train\"},{\"name\":\"test\",\"type\":\"test\"}]");
            int words = WordleEnvironment.words().size();
            int test = post("/wordle/num_tasks", "{\"split\":\"test\"}").body().path("num_tasks").asInt();
            int train = post("/wordle/num_tasks", "{\"split\":\"train\"}").body().path("num_tasks").asInt();
            assertThat(test + train).isEqualTo(words);
            assertThat(test).isEqualTo((words + 4) / 5);
            // test holds words 0, 5, 10, … of the sorted list; train the others
            JsonNode task = post("/wordle/task", "{\"split\":\"test\",\"index\":2}").body();
            assertThat(task.path("task").path("answer").asString()).isEqualTo(WordleEnvironment.words().get(10));
            JsonNode all = post("/wordle/tasks", "{\"split\":\"train\"}").body();
            assertThat(all.path("env_name").asString()).isEqualTo("wordle");
            assertThat(all.path("tasks").size()).isEqualTo(train);
            assertThat(all.path("tasks").path(3).path("answer").asString()).isEqualTo(WordleEnvironment.words().get(4));
            assertThat(all.path("tasks").path(4).path("answer").asString()).isEqualTo(WordleEnvironment.words().get(6));
            // Python slice rules: negative bounds from the end, nulls are the ends, clamped
            JsonNode range = post("/wordle/task_range", "{\"split\":\"train\",\"start\":-2,\"stop\":null}").body();
            assertThat(range.path("tasks").size()).isEqualTo(2);
            assertThat(range.path("tasks").path(1)).isEqualTo(all.path("tasks").path(train - 1));
            assertThat(post("/wordle/task_range", "{\"split\":\"train\",\"start\":5,\"stop\":2}").body().path("tasks").size()).isZero();
            assertThat(post("/wordle/task_range", "{\"split\":\"train\",\"stop\":100000}").body().path("tasks").size()).isEqualTo(train);
            assertThat(get("/openapi.json").body().path("paths").has("/{env_name}/task_range")).isTrue();
            server.close();
        }
        server = null;
    }

    @Test
    void errorsAreThoseOfTheReference() throws Exception {
        server = start("wordle", ServerMode.SIMULATION);
        Reply unknownEnv = get("/chess/splits");
        assertThat(unknownEnv.status()).isEqualTo(404);
        assertThat(unknownEnv.body().path("detail").asString()).isEqualTo("unknown environment 'chess'");
        Reply badIndex = post("/wordle/task", "{\"split\":\"test\",\"index\":100000}");
        assertThat(badIndex.status()).isEqualTo(400);
        assertThat(badIndex.body().path("detail").asString()).isEqualTo("Invalid task index");
        assertThat(post("/wordle/task", "{\"split\":\"test\",\"index\":-1}").status()).isEqualTo(400);
        Reply noIndex = post("/wordle/task", "{\"split\":\"test\"}");
        assertThat(noIndex.status()).isEqualTo(422);
        assertThat(noIndex.body().path("detail").path(0).path("loc").toString()).isEqualTo("[\"body\",\"index\"]");
        assertThat(noIndex.body().path("detail").path(0).path("type").asString()).isEqualTo("missing");
        Reply extra = post("/wordle/num_tasks", "{\"split\":\"test\",\"index\":1}");
        assertThat(extra.status()).isEqualTo(422);
        assertThat(extra.body().path("detail").path(0).path("type").asString()).isEqualTo("extra_forbidden");
        Reply notInt = post("/wordle/task", "{\"split\":\"test\",\"index\":\"x\"}");
        assertThat(notInt.status()).isEqualTo(422);
        assertThat(notInt.body().path("detail").path(0).path("type").asString()).isEqualTo("int_parsing");
        Reply splitNotString = post("/wordle/tasks", "{\"split\":3}");
        assertThat(splitNotString.body().path("detail").path(0).path("type").asString()).isEqualTo("string_type");
        Reply unknownSplit = post("/wordle/num_tasks", "{\"split\":\"dev\"}");
        assertThat(unknownSplit.status()).isEqualTo(404);
        assertThat(unknownSplit.body().path("detail").asString()).contains("dev");
        assertThat(get("/wordle/tasks").status()).isEqualTo(405);
    }

    @Test
    void anEnvironmentWithoutTasksAnswers501() throws Exception {
        server = start("echo", ServerMode.SIMULATION);
        assertThat(get("/list_environments").body().toString()).isEqualTo("[\"echo\"]");
        Reply splits = get("/echo/splits");
        assertThat(splits.status()).isEqualTo(501);
        assertThat(splits.body().path("detail").asString()).isEqualTo("list_splits is not supported for this environment");
        Reply task = post("/echo/task", "{\"split\":\"train\",\"index\":0}");
        assertThat(task.status()).isEqualTo(501);
        assertThat(task.body().path("detail").asString()).isEqualTo("get_task is not supported for this environment");
    }
}
