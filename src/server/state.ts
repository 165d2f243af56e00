// A connection's life: reading its request, waiting its turn, in the handler, writing, done.
export const READING = 0, READY = 1, HANDLING = 2, WRITING = 3, CLOSED = 4;
