/** The parts of sax (the tokenizer rss-parser's documents are read with) the hub uses directly. */
declare module 'sax' {
  /** An element as sax reports it opening (no namespaces: attributes as plain strings). */
  export interface SaxTag {
    name: string;
    attributes: Record<string, string>;
  }
  /** A parser; handlers set on it as `on<event>` are called with `this` the parser. */
  export interface SaxParser {
    /** Counts lines and columns for error messages (true unless turned off). */
    trackPosition: boolean;
    write(chunk: string): SaxParser;
    close(): SaxParser;
    /** Clears the error sax reported, so that reading goes on. */
    resume(): SaxParser;
  }
  const sax: {
    /** Named entities sax decodes unless strictEntities is set: XML's five and HTML's. */
    ENTITIES: Record<string, string | number>;
    parser(
      strict: boolean,
      options: { trim?: boolean; normalize?: boolean; xmlns?: boolean },
    ): SaxParser;
  };
  export default sax;
}
