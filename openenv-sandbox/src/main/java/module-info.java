/** The bubblewrap sandbox shared by the coding environment and the runtime's sandbox provider. */
module dev.openenv.sandbox {
    exports dev.openenv.sandbox;
}
