package dev.sluice.observe;

/** An upstream server as its metrics read it, at each scrape. */
public interface MeteredServer {
    String upstream();

    /** Its route, or host:port. */
    String name();

    /** Whether it takes new requests and handshakes. */
    boolean isUp();

    int openRequests();

    int openTunnels();

    long requests();

    long connectErrors();

    long timeouts();

    long resets();
}
