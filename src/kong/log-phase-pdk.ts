// The narrow typed port over the only PDK call this plugin makes. kong-pdk's bundled typings do
// not compile and type `serialize()` wrongly; in the log phase Kong answers it with a JSON string.

/** The slice of the `kong` PDK object the log handler uses. */
export interface LogPhasePdk {
  readonly log: {
    /** `kong.log.serialize()`: one RPC round trip; a JSON string of the request's log. */
    serialize(): Promise<unknown>;
  };
}
