/**
 * The bundled environments. Every environment package is API: clients use its action, observation and
 * state records ({@code EchoAction} …) as typed wire types, and {@code BundledEnvironments} names them
 * for {@code openenv serve <name>}.
 */
module dev.openenv.envs {
    requires transitive dev.openenv.core;
    requires dev.openenv.sandbox;

    exports dev.openenv.envs;
    exports dev.openenv.envs.bench;
    exports dev.openenv.envs.blackjack;
    exports dev.openenv.envs.coding;
    exports dev.openenv.envs.connect4;
    exports dev.openenv.envs.echo;
    exports dev.openenv.envs.echomcp;
    exports dev.openenv.envs.fault;
    exports dev.openenv.envs.gridworld;
    exports dev.openenv.envs.snake;
    exports dev.openenv.envs.wordle;

    // Records and @McpTool methods are read reflectively by the core's binder and by Jackson.
    opens dev.openenv.envs.bench to dev.openenv.core, tools.jackson.databind;
    opens dev.openenv.envs.blackjack to dev.openenv.core, tools.jackson.databind;
    opens dev.openenv.envs.coding to dev.openenv.core, tools.jackson.databind;
    opens dev.openenv.envs.connect4 to dev.openenv.core, tools.jackson.databind;
    opens dev.openenv.envs.echo to dev.openenv.core, tools.jackson.databind;
    opens dev.openenv.envs.echomcp to dev.openenv.core, tools.jackson.databind;
    opens dev.openenv.envs.fault to dev.openenv.core, tools.jackson.databind;
    opens dev.openenv.envs.gridworld to dev.openenv.core, tools.jackson.databind;
    opens dev.openenv.envs.snake to dev.openenv.core, tools.jackson.databind;
    opens dev.openenv.envs.wordle to dev.openenv.core, tools.jackson.databind;
}
