package dev.openenv.core.rubric;

/**
 * Something that answers a prompt with text: a language model behind {@link OpenAiClient}, or a lambda in
 * a test. The reference's {@code LLMClient.complete}.
 */
@FunctionalInterface
public interface LlmClient {
    /**
     * The model's reply to {@code prompt} (empty when it gave no text).
     *
     * @throws LlmException if the model could not be asked or its reply not read
     */
    String complete(String prompt);
}
