// epoll and eventfd for the HTTP server's event loop: Swift's Glibc module does not include them.
#ifndef CEPOLL_SHIM_H
#define CEPOLL_SHIM_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif
