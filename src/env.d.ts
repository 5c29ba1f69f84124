/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    app: import('./app').App;
    /** The TCP peer's address, set by src/server.ts from the socket (absent under `astro dev`). */
    socketAddress?: string;
    /** The origin visitors reach us at (from Host, or a trusted proxy's headers). */
    origin: string;
    /** The client's address (socket, or X-Forwarded-For behind a trusted proxy). Never stored. */
    clientAddress: string;
    /** The peer is a trusted proxy: its X-Forwarded-* headers are believed. */
    forwarded: boolean;
    /** Set by a page that a visitor without our cookies may be served again (src/http/page-cache.ts). */
    pageCache?: import('./http/page-cache').PageMark;
    /** Set by a widget page: who may frame it besides us (src/lib/embed-settings.ts widgetFrameAncestors). */
    frameAncestors?: string[];
  }
}
