package dev.openenv.server.testing;

import dev.openenv.core.BasicState;
import dev.openenv.core.EnvironmentType;
import dev.openenv.core.mcp.McpAction;
import dev.openenv.core.mcp.McpObservation;
import dev.openenv.envs.echo.EchoAction;
import dev.openenv.envs.echo.EchoObservation;
import dev.openenv.envs.fault.FaultAction;
import dev.openenv.envs.fault.FaultObservation;

/** The wire types of the environments tests serve most, named as the reference names them. */
public final class WireTypes {
    /** The echo environment. */
    public static final EnvironmentType<EchoAction, EchoObservation, BasicState> ECHO =
            EnvironmentType.of("echo", EchoAction.class, EchoObservation.class, BasicState.class);
    /** The fault environment: raises or sleeps on request. */
    public static final EnvironmentType<FaultAction, FaultObservation, BasicState> FAULT =
            EnvironmentType.of("fault", FaultAction.class, FaultObservation.class, BasicState.class);
    /** The MCP echo environment, named {@code echo_env} as the reference's. */
    public static final EnvironmentType<McpAction, McpObservation, BasicState> ECHO_MCP =
            EnvironmentType.of("echo_env", McpAction.class, McpObservation.class, BasicState.class);

    private WireTypes() {}
}
