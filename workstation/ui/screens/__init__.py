"""One Frame subclass per screen; the shell's router shows one at a time."""
