package dev.openenv.core;

/**
 * Marker for an action an agent sends to an {@link Environment}.
 *
 * <p>Write actions as records. Each record component is one field of the wire form, named in
 * snake_case ({@code echoedMessage} travels as {@code echoed_message}); unknown fields are rejected.
 * A component is required unless it carries {@link Default}. Every action also accepts the protocol's
 * free-form {@code metadata} object; declare a {@code Map<String, Object> metadata} component to
 * receive it.
 */
public interface Action {}
