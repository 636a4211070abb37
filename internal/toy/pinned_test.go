package toy

// pinnedSeed7 is the trace hash of RandomConfig(7). Update it only for a
// deliberate change of the kernel or the toy protocol.
const pinnedSeed7 = "6193cd661c4febd2"
