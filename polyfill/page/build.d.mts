export declare const PAGE_OUTFILE: string;
export declare function buildPage(outfile?: string): Promise<string>;
