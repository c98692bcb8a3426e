package dev.openenv.core.rubric;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LLM-as-a-judge (the reference's {@code LLMJudge}): fills a prompt template with the action and the
 * observation, asks a model through an {@link LlmClient} and parses a number out of the reply.
 *
 * <ul>
 *   <li>The template is formatted like Python's {@code str.format} with the two names it knows:
 *       {@code {action}} and {@code {observation}} become {@code String.valueOf} of each (a record's
 *       {@code toString}; the reference uses Python's {@code str}); <code>{{</code> and <code>}}</code> are literal
 *       braces; any other placeholder is an error. Override {@link #renderPrompt} for anything else.</li>
 *   <li>The score is the first match of {@code scorePattern} (default {@code (\d+\.?\d*)}, the first decimal
 *       number), its first group when the pattern has one; a reply with no match, or a match that is not a
 *       number, scores {@code defaultScore} (default {@code 0.0}). With {@code normalize} (the default) the
 *       score is clamped to [0, 1].</li>
 * </ul>
 *
 * The call blocks the calling thread until the model answers (the reference's judge is asynchronous); an
 * {@link LlmException} from the client propagates, so a step whose judge failed fails.
 */
public class LlmJudge<A, O> extends Rubric<A, O> {
    /** The reference's default: the first decimal number in the reply. */
    public static final String DEFAULT_SCORE_PATTERN = "(\\d+\\.?\\d*)";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{|\\}\\}|\\{([^{}]*)\\}|[{}]");
    private static final Pattern PY_FLOAT = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private final String promptTemplate;
    private final LlmClient client;
    private final Pattern scorePattern;
    private final double defaultScore;
    private final boolean normalize;

    /** A judge with the default pattern, default score {@code 0.0} and normalisation on. */
    public LlmJudge(String promptTemplate, LlmClient client) {
        this(promptTemplate, client, DEFAULT_SCORE_PATTERN, 0.0, true);
    }

    public LlmJudge(String promptTemplate, LlmClient client, String scorePattern, double defaultScore, boolean normalize) {
        this.promptTemplate = Objects.requireNonNull(promptTemplate, "promptTemplate");
        this.client = Objects.requireNonNull(client, "client");
        this.scorePattern = Pattern.compile(scorePattern == null ? DEFAULT_SCORE_PATTERN : scorePattern);
        this.defaultScore = defaultScore;
        this.normalize = normalize;
    }

    @Override
    protected double forward(A action, O observation) {
        return parseScore(client.complete(renderPrompt(action, observation)));
    }

    /**
     * The prompt for one evaluation: the template with {@code {action}} and {@code {observation}} filled in.
     *
     * @throws IllegalArgumentException if the template has another placeholder or a lone brace
     */
    protected String renderPrompt(A action, O observation) {
        Matcher m = PLACEHOLDER.matcher(promptTemplate);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String token = m.group();
            String replacement;
            if (token.equals("{{")) {
                replacement = "{";
            } else if (token.equals("}}")) {
                replacement = "}";
            } else if ("action".equals(m.group(1))) {
                replacement = String.valueOf(action);
            } else if ("observation".equals(m.group(1))) {
                replacement = String.valueOf(observation);
            } else if (m.group(1) != null) {
                throw new IllegalArgumentException("prompt template names an unknown placeholder {" + m.group(1)
                        + "}; only {action} and {observation} are filled in (write {{ and }} for braces)");
            } else {
                throw new IllegalArgumentException("prompt template has a single '" + token + "'; write {{ or }} for a brace");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The score in a reply, by the rules in the class description. */
    protected double parseScore(String response) {
        Matcher m = scorePattern.matcher(response == null ? "" : response);
        if (!m.find()) {
            return defaultScore;
        }
        String text = m.groupCount() >= 1 && lastMatchedGroup(m) > 0 ? m.group(1) : m.group();
        if (text == null) {
            return defaultScore;
        }
        double score;
        try {
            score = pythonFloat(text);
        } catch (NumberFormatException e) {
            return defaultScore;
        }
        if (normalize) {
            // max(0.0, min(1.0, score)) exactly as Python evaluates it, NaN included (it becomes 1.0).
            double upper = score < 1.0 ? score : 1.0;
            score = upper > 0.0 ? upper : 0.0;
        }
        return score;
    }

    /** Python's {@code match.lastindex}: the highest-numbered group that took part, or 0. */
    private static int lastMatchedGroup(Matcher m) {
        for (int g = m.groupCount(); g >= 1; g--) {
            if (m.group(g) != null) {
                return g;
            }
        }
        return 0;
    }

    /** Python's {@code float(text)} for the decimal forms a reply holds, and inf/nan. */
    private static double pythonFloat(String raw) {
        String text = raw.strip().replaceAll("(?<=\\d)_(?=\\d)", "");
        String lower = text.toLowerCase(Locale.ROOT);
        String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (unsigned.equals("nan")) {
            return Double.NaN;
        }
        if (!PY_FLOAT.matcher(text).matches()) {
            throw new NumberFormatException(raw);
        }
        return Double.parseDouble(text);
    }

    public String promptTemplate() {
        return promptTemplate;
    }

    public String scorePattern() {
        return scorePattern.pattern();
    }

    public double defaultScore() {
        return defaultScore;
    }

    public boolean normalize() {
        return normalize;
    }
}
