/** The one part of sax (xml2js's tokenizer, which rss-parser runs) the hub reads directly. */
declare module 'sax' {
  const sax: {
    /** Named entities sax decodes unless strictEntities is set: XML's five and HTML's. */
    ENTITIES: Record<string, string | number>;
  };
  export default sax;
}
