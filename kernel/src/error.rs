//! Linux errno values (asm-generic numbering) and the kernel's error type.
//!
//! Handlers return `KResult<T>`; the negation to `-errno` happens in exactly
//! one place (`Errno::to_ret`, used by the syscall dispatcher). Internal codes
//! (`ERESTARTSYS`) never reach the guest: the dispatcher turns them into a
//! restart or `EINTR`.

use crate::abi::uapi;

/// A Linux errno, plus the kernel-internal restart code. The numbers are
/// the generated uapi constants (`asm-generic/errno{,-base}.h`); the rest of
/// the workspace, the bridge included, names errnos only through this enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
#[allow(clippy::upper_case_acronyms)]
pub enum Errno {
    /// Operation not permitted
    EPERM = uapi::EPERM as i32,
    /// No such file or directory
    ENOENT = uapi::ENOENT as i32,
    /// No such process
    ESRCH = uapi::ESRCH as i32,
    /// Interrupted system call
    EINTR = uapi::EINTR as i32,
    /// Input/output error
    EIO = uapi::EIO as i32,
    /// No such device or address
    ENXIO = uapi::ENXIO as i32,
    /// Argument list too long
    E2BIG = uapi::E2BIG as i32,
    /// Exec format error
    ENOEXEC = uapi::ENOEXEC as i32,
    /// Bad file descriptor
    EBADF = uapi::EBADF as i32,
    /// No child processes
    ECHILD = uapi::ECHILD as i32,
    /// Resource temporarily unavailable
    EAGAIN = uapi::EAGAIN as i32,
    /// Cannot allocate memory
    ENOMEM = uapi::ENOMEM as i32,
    /// Permission denied
    EACCES = uapi::EACCES as i32,
    /// Bad address
    EFAULT = uapi::EFAULT as i32,
    /// Block device required
    ENOTBLK = uapi::ENOTBLK as i32,
    /// Device or resource busy
    EBUSY = uapi::EBUSY as i32,
    /// File exists
    EEXIST = uapi::EEXIST as i32,
    /// Invalid cross-device link
    EXDEV = uapi::EXDEV as i32,
    /// No such device
    ENODEV = uapi::ENODEV as i32,
    /// Not a directory
    ENOTDIR = uapi::ENOTDIR as i32,
    /// Is a directory
    EISDIR = uapi::EISDIR as i32,
    /// Invalid argument
    EINVAL = uapi::EINVAL as i32,
    /// Too many open files in system
    ENFILE = uapi::ENFILE as i32,
    /// Too many open files
    EMFILE = uapi::EMFILE as i32,
    /// Inappropriate ioctl for device
    ENOTTY = uapi::ENOTTY as i32,
    /// Text file busy
    ETXTBSY = uapi::ETXTBSY as i32,
    /// File too large
    EFBIG = uapi::EFBIG as i32,
    /// No space left on device
    ENOSPC = uapi::ENOSPC as i32,
    /// Illegal seek
    ESPIPE = uapi::ESPIPE as i32,
    /// Read-only file system
    EROFS = uapi::EROFS as i32,
    /// Too many links
    EMLINK = uapi::EMLINK as i32,
    /// Broken pipe
    EPIPE = uapi::EPIPE as i32,
    /// Numerical argument out of domain
    EDOM = uapi::EDOM as i32,
    /// Numerical result out of range
    ERANGE = uapi::ERANGE as i32,
    /// Resource deadlock avoided
    EDEADLK = uapi::EDEADLK as i32,
    /// File name too long
    ENAMETOOLONG = uapi::ENAMETOOLONG as i32,
    /// No locks available
    ENOLCK = uapi::ENOLCK as i32,
    /// Function not implemented
    ENOSYS = uapi::ENOSYS as i32,
    /// Directory not empty
    ENOTEMPTY = uapi::ENOTEMPTY as i32,
    /// Too many levels of symbolic links
    ELOOP = uapi::ELOOP as i32,
    /// No message of desired type
    ENOMSG = uapi::ENOMSG as i32,
    /// Identifier removed
    EIDRM = uapi::EIDRM as i32,
    /// Device not a stream
    ENOSTR = uapi::ENOSTR as i32,
    /// No data available
    ENODATA = uapi::ENODATA as i32,
    /// Timer expired
    ETIME = uapi::ETIME as i32,
    /// Out of streams resources
    ENOSR = uapi::ENOSR as i32,
    /// Object is remote
    EREMOTE = uapi::EREMOTE as i32,
    /// Link has been severed
    ENOLINK = uapi::ENOLINK as i32,
    /// Protocol error
    EPROTO = uapi::EPROTO as i32,
    /// Multihop attempted
    EMULTIHOP = uapi::EMULTIHOP as i32,
    /// Bad message
    EBADMSG = uapi::EBADMSG as i32,
    /// Value too large for defined data type
    EOVERFLOW = uapi::EOVERFLOW as i32,
    /// File descriptor in bad state
    EBADFD = uapi::EBADFD as i32,
    /// Invalid or incomplete multibyte or wide character
    EILSEQ = uapi::EILSEQ as i32,
    /// Interrupted system call should be restarted
    ERESTART = uapi::ERESTART as i32,
    /// Too many users
    EUSERS = uapi::EUSERS as i32,
    /// Socket operation on non-socket
    ENOTSOCK = uapi::ENOTSOCK as i32,
    /// Destination address required
    EDESTADDRREQ = uapi::EDESTADDRREQ as i32,
    /// Message too long
    EMSGSIZE = uapi::EMSGSIZE as i32,
    /// Protocol wrong type for socket
    EPROTOTYPE = uapi::EPROTOTYPE as i32,
    /// Protocol not available
    ENOPROTOOPT = uapi::ENOPROTOOPT as i32,
    /// Protocol not supported
    EPROTONOSUPPORT = uapi::EPROTONOSUPPORT as i32,
    /// Socket type not supported
    ESOCKTNOSUPPORT = uapi::ESOCKTNOSUPPORT as i32,
    /// Operation not supported
    EOPNOTSUPP = uapi::EOPNOTSUPP as i32,
    /// Protocol family not supported
    EPFNOSUPPORT = uapi::EPFNOSUPPORT as i32,
    /// Address family not supported by protocol
    EAFNOSUPPORT = uapi::EAFNOSUPPORT as i32,
    /// Address already in use
    EADDRINUSE = uapi::EADDRINUSE as i32,
    /// Cannot assign requested address
    EADDRNOTAVAIL = uapi::EADDRNOTAVAIL as i32,
    /// Network is down
    ENETDOWN = uapi::ENETDOWN as i32,
    /// Network is unreachable
    ENETUNREACH = uapi::ENETUNREACH as i32,
    /// Network dropped connection on reset
    ENETRESET = uapi::ENETRESET as i32,
    /// Software caused connection abort
    ECONNABORTED = uapi::ECONNABORTED as i32,
    /// Connection reset by peer
    ECONNRESET = uapi::ECONNRESET as i32,
    /// No buffer space available
    ENOBUFS = uapi::ENOBUFS as i32,
    /// Transport endpoint is already connected
    EISCONN = uapi::EISCONN as i32,
    /// Transport endpoint is not connected
    ENOTCONN = uapi::ENOTCONN as i32,
    /// Cannot send after transport endpoint shutdown
    ESHUTDOWN = uapi::ESHUTDOWN as i32,
    /// Too many references: cannot splice
    ETOOMANYREFS = uapi::ETOOMANYREFS as i32,
    /// Connection timed out
    ETIMEDOUT = uapi::ETIMEDOUT as i32,
    /// Connection refused
    ECONNREFUSED = uapi::ECONNREFUSED as i32,
    /// Host is down
    EHOSTDOWN = uapi::EHOSTDOWN as i32,
    /// No route to host
    EHOSTUNREACH = uapi::EHOSTUNREACH as i32,
    /// Operation already in progress
    EALREADY = uapi::EALREADY as i32,
    /// Operation now in progress
    EINPROGRESS = uapi::EINPROGRESS as i32,
    /// Stale file handle
    ESTALE = uapi::ESTALE as i32,
    /// Disk quota exceeded
    EDQUOT = uapi::EDQUOT as i32,
    /// Operation canceled
    ECANCELED = uapi::ECANCELED as i32,
    /// Owner died
    EOWNERDEAD = uapi::EOWNERDEAD as i32,
    /// State not recoverable
    ENOTRECOVERABLE = uapi::ENOTRECOVERABLE as i32,
    /// Internal: interrupted by a signal; restart if the handler has SA_RESTART.
    ERESTARTSYS = 512,
}

/// `EWOULDBLOCK` is `EAGAIN` on Linux.
pub const EWOULDBLOCK: Errno = Errno::EAGAIN;
/// `ENOTSUP` is `EOPNOTSUPP` on Linux.
pub const ENOTSUP: Errno = Errno::EOPNOTSUPP;
/// `EDEADLOCK` is `EDEADLK` on asm-generic.
pub const EDEADLOCK: Errno = Errno::EDEADLK;

pub type KResult<T> = Result<T, Errno>;

impl Errno {
    /// Every guest-visible errno, in numeric order.
    pub const ALL: &'static [Errno] = &[
        Errno::EPERM,
        Errno::ENOENT,
        Errno::ESRCH,
        Errno::EINTR,
        Errno::EIO,
        Errno::ENXIO,
        Errno::E2BIG,
        Errno::ENOEXEC,
        Errno::EBADF,
        Errno::ECHILD,
        Errno::EAGAIN,
        Errno::ENOMEM,
        Errno::EACCES,
        Errno::EFAULT,
        Errno::ENOTBLK,
        Errno::EBUSY,
        Errno::EEXIST,
        Errno::EXDEV,
        Errno::ENODEV,
        Errno::ENOTDIR,
        Errno::EISDIR,
        Errno::EINVAL,
        Errno::ENFILE,
        Errno::EMFILE,
        Errno::ENOTTY,
        Errno::ETXTBSY,
        Errno::EFBIG,
        Errno::ENOSPC,
        Errno::ESPIPE,
        Errno::EROFS,
        Errno::EMLINK,
        Errno::EPIPE,
        Errno::EDOM,
        Errno::ERANGE,
        Errno::EDEADLK,
        Errno::ENAMETOOLONG,
        Errno::ENOLCK,
        Errno::ENOSYS,
        Errno::ENOTEMPTY,
        Errno::ELOOP,
        Errno::ENOMSG,
        Errno::EIDRM,
        Errno::ENOSTR,
        Errno::ENODATA,
        Errno::ETIME,
        Errno::ENOSR,
        Errno::EREMOTE,
        Errno::ENOLINK,
        Errno::EPROTO,
        Errno::EMULTIHOP,
        Errno::EBADMSG,
        Errno::EOVERFLOW,
        Errno::EBADFD,
        Errno::EILSEQ,
        Errno::ERESTART,
        Errno::EUSERS,
        Errno::ENOTSOCK,
        Errno::EDESTADDRREQ,
        Errno::EMSGSIZE,
        Errno::EPROTOTYPE,
        Errno::ENOPROTOOPT,
        Errno::EPROTONOSUPPORT,
        Errno::ESOCKTNOSUPPORT,
        Errno::EOPNOTSUPP,
        Errno::EPFNOSUPPORT,
        Errno::EAFNOSUPPORT,
        Errno::EADDRINUSE,
        Errno::EADDRNOTAVAIL,
        Errno::ENETDOWN,
        Errno::ENETUNREACH,
        Errno::ENETRESET,
        Errno::ECONNABORTED,
        Errno::ECONNRESET,
        Errno::ENOBUFS,
        Errno::EISCONN,
        Errno::ENOTCONN,
        Errno::ESHUTDOWN,
        Errno::ETOOMANYREFS,
        Errno::ETIMEDOUT,
        Errno::ECONNREFUSED,
        Errno::EHOSTDOWN,
        Errno::EHOSTUNREACH,
        Errno::EALREADY,
        Errno::EINPROGRESS,
        Errno::ESTALE,
        Errno::EDQUOT,
        Errno::ECANCELED,
        Errno::EOWNERDEAD,
        Errno::ENOTRECOVERABLE,
    ];

    /// The positive errno number.
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// Value returned to the guest: `-errno`.
    pub const fn to_ret(self) -> i32 {
        -(self as i32)
    }

    /// Errno from its number (guest-visible codes only).
    pub fn from_code(code: i32) -> Option<Errno> {
        Self::ALL.iter().copied().find(|e| e.code() == code)
    }

    /// The symbolic name, as strace prints it (`ENOENT`).
    pub const fn name(self) -> &'static str {
        match self {
            Errno::EPERM => "EPERM",
            Errno::ENOENT => "ENOENT",
            Errno::ESRCH => "ESRCH",
            Errno::EINTR => "EINTR",
            Errno::EIO => "EIO",
            Errno::ENXIO => "ENXIO",
            Errno::E2BIG => "E2BIG",
            Errno::ENOEXEC => "ENOEXEC",
            Errno::EBADF => "EBADF",
            Errno::ECHILD => "ECHILD",
            Errno::EAGAIN => "EAGAIN",
            Errno::ENOMEM => "ENOMEM",
            Errno::EACCES => "EACCES",
            Errno::EFAULT => "EFAULT",
            Errno::ENOTBLK => "ENOTBLK",
            Errno::EBUSY => "EBUSY",
            Errno::EEXIST => "EEXIST",
            Errno::EXDEV => "EXDEV",
            Errno::ENODEV => "ENODEV",
            Errno::ENOTDIR => "ENOTDIR",
            Errno::EISDIR => "EISDIR",
            Errno::EINVAL => "EINVAL",
            Errno::ENFILE => "ENFILE",
            Errno::EMFILE => "EMFILE",
            Errno::ENOTTY => "ENOTTY",
            Errno::ETXTBSY => "ETXTBSY",
            Errno::EFBIG => "EFBIG",
            Errno::ENOSPC => "ENOSPC",
            Errno::ESPIPE => "ESPIPE",
            Errno::EROFS => "EROFS",
            Errno::EMLINK => "EMLINK",
            Errno::EPIPE => "EPIPE",
            Errno::EDOM => "EDOM",
            Errno::ERANGE => "ERANGE",
            Errno::EDEADLK => "EDEADLK",
            Errno::ENAMETOOLONG => "ENAMETOOLONG",
            Errno::ENOLCK => "ENOLCK",
            Errno::ENOSYS => "ENOSYS",
            Errno::ENOTEMPTY => "ENOTEMPTY",
            Errno::ELOOP => "ELOOP",
            Errno::ENOMSG => "ENOMSG",
            Errno::EIDRM => "EIDRM",
            Errno::ENOSTR => "ENOSTR",
            Errno::ENODATA => "ENODATA",
            Errno::ETIME => "ETIME",
            Errno::ENOSR => "ENOSR",
            Errno::EREMOTE => "EREMOTE",
            Errno::ENOLINK => "ENOLINK",
            Errno::EPROTO => "EPROTO",
            Errno::EMULTIHOP => "EMULTIHOP",
            Errno::EBADMSG => "EBADMSG",
            Errno::EOVERFLOW => "EOVERFLOW",
            Errno::EBADFD => "EBADFD",
            Errno::EILSEQ => "EILSEQ",
            Errno::ERESTART => "ERESTART",
            Errno::EUSERS => "EUSERS",
            Errno::ENOTSOCK => "ENOTSOCK",
            Errno::EDESTADDRREQ => "EDESTADDRREQ",
            Errno::EMSGSIZE => "EMSGSIZE",
            Errno::EPROTOTYPE => "EPROTOTYPE",
            Errno::ENOPROTOOPT => "ENOPROTOOPT",
            Errno::EPROTONOSUPPORT => "EPROTONOSUPPORT",
            Errno::ESOCKTNOSUPPORT => "ESOCKTNOSUPPORT",
            Errno::EOPNOTSUPP => "EOPNOTSUPP",
            Errno::EPFNOSUPPORT => "EPFNOSUPPORT",
            Errno::EAFNOSUPPORT => "EAFNOSUPPORT",
            Errno::EADDRINUSE => "EADDRINUSE",
            Errno::EADDRNOTAVAIL => "EADDRNOTAVAIL",
            Errno::ENETDOWN => "ENETDOWN",
            Errno::ENETUNREACH => "ENETUNREACH",
            Errno::ENETRESET => "ENETRESET",
            Errno::ECONNABORTED => "ECONNABORTED",
            Errno::ECONNRESET => "ECONNRESET",
            Errno::ENOBUFS => "ENOBUFS",
            Errno::EISCONN => "EISCONN",
            Errno::ENOTCONN => "ENOTCONN",
            Errno::ESHUTDOWN => "ESHUTDOWN",
            Errno::ETOOMANYREFS => "ETOOMANYREFS",
            Errno::ETIMEDOUT => "ETIMEDOUT",
            Errno::ECONNREFUSED => "ECONNREFUSED",
            Errno::EHOSTDOWN => "EHOSTDOWN",
            Errno::EHOSTUNREACH => "EHOSTUNREACH",
            Errno::EALREADY => "EALREADY",
            Errno::EINPROGRESS => "EINPROGRESS",
            Errno::ESTALE => "ESTALE",
            Errno::EDQUOT => "EDQUOT",
            Errno::ECANCELED => "ECANCELED",
            Errno::EOWNERDEAD => "EOWNERDEAD",
            Errno::ENOTRECOVERABLE => "ENOTRECOVERABLE",
            Errno::ERESTARTSYS => "ERESTARTSYS",
        }
    }

    /// The strerror text (`No such file or directory`).
    pub const fn message(self) -> &'static str {
        match self {
            Errno::EPERM => "Operation not permitted",
            Errno::ENOENT => "No such file or directory",
            Errno::ESRCH => "No such process",
            Errno::EINTR => "Interrupted system call",
            Errno::EIO => "Input/output error",
            Errno::ENXIO => "No such device or address",
            Errno::E2BIG => "Argument list too long",
            Errno::ENOEXEC => "Exec format error",
            Errno::EBADF => "Bad file descriptor",
            Errno::ECHILD => "No child processes",
            Errno::EAGAIN => "Resource temporarily unavailable",
            Errno::ENOMEM => "Cannot allocate memory",
            Errno::EACCES => "Permission denied",
            Errno::EFAULT => "Bad address",
            Errno::ENOTBLK => "Block device required",
            Errno::EBUSY => "Device or resource busy",
            Errno::EEXIST => "File exists",
            Errno::EXDEV => "Invalid cross-device link",
            Errno::ENODEV => "No such device",
            Errno::ENOTDIR => "Not a directory",
            Errno::EISDIR => "Is a directory",
            Errno::EINVAL => "Invalid argument",
            Errno::ENFILE => "Too many open files in system",
            Errno::EMFILE => "Too many open files",
            Errno::ENOTTY => "Inappropriate ioctl for device",
            Errno::ETXTBSY => "Text file busy",
            Errno::EFBIG => "File too large",
            Errno::ENOSPC => "No space left on device",
            Errno::ESPIPE => "Illegal seek",
            Errno::EROFS => "Read-only file system",
            Errno::EMLINK => "Too many links",
            Errno::EPIPE => "Broken pipe",
            Errno::EDOM => "Numerical argument out of domain",
            Errno::ERANGE => "Numerical result out of range",
            Errno::EDEADLK => "Resource deadlock avoided",
            Errno::ENAMETOOLONG => "File name too long",
            Errno::ENOLCK => "No locks available",
            Errno::ENOSYS => "Function not implemented",
            Errno::ENOTEMPTY => "Directory not empty",
            Errno::ELOOP => "Too many levels of symbolic links",
            Errno::ENOMSG => "No message of desired type",
            Errno::EIDRM => "Identifier removed",
            Errno::ENOSTR => "Device not a stream",
            Errno::ENODATA => "No data available",
            Errno::ETIME => "Timer expired",
            Errno::ENOSR => "Out of streams resources",
            Errno::EREMOTE => "Object is remote",
            Errno::ENOLINK => "Link has been severed",
            Errno::EPROTO => "Protocol error",
            Errno::EMULTIHOP => "Multihop attempted",
            Errno::EBADMSG => "Bad message",
            Errno::EOVERFLOW => "Value too large for defined data type",
            Errno::EBADFD => "File descriptor in bad state",
            Errno::EILSEQ => "Invalid or incomplete multibyte or wide character",
            Errno::ERESTART => "Interrupted system call should be restarted",
            Errno::EUSERS => "Too many users",
            Errno::ENOTSOCK => "Socket operation on non-socket",
            Errno::EDESTADDRREQ => "Destination address required",
            Errno::EMSGSIZE => "Message too long",
            Errno::EPROTOTYPE => "Protocol wrong type for socket",
            Errno::ENOPROTOOPT => "Protocol not available",
            Errno::EPROTONOSUPPORT => "Protocol not supported",
            Errno::ESOCKTNOSUPPORT => "Socket type not supported",
            Errno::EOPNOTSUPP => "Operation not supported",
            Errno::EPFNOSUPPORT => "Protocol family not supported",
            Errno::EAFNOSUPPORT => "Address family not supported by protocol",
            Errno::EADDRINUSE => "Address already in use",
            Errno::EADDRNOTAVAIL => "Cannot assign requested address",
            Errno::ENETDOWN => "Network is down",
            Errno::ENETUNREACH => "Network is unreachable",
            Errno::ENETRESET => "Network dropped connection on reset",
            Errno::ECONNABORTED => "Software caused connection abort",
            Errno::ECONNRESET => "Connection reset by peer",
            Errno::ENOBUFS => "No buffer space available",
            Errno::EISCONN => "Transport endpoint is already connected",
            Errno::ENOTCONN => "Transport endpoint is not connected",
            Errno::ESHUTDOWN => "Cannot send after transport endpoint shutdown",
            Errno::ETOOMANYREFS => "Too many references: cannot splice",
            Errno::ETIMEDOUT => "Connection timed out",
            Errno::ECONNREFUSED => "Connection refused",
            Errno::EHOSTDOWN => "Host is down",
            Errno::EHOSTUNREACH => "No route to host",
            Errno::EALREADY => "Operation already in progress",
            Errno::EINPROGRESS => "Operation now in progress",
            Errno::ESTALE => "Stale file handle",
            Errno::EDQUOT => "Disk quota exceeded",
            Errno::ECANCELED => "Operation canceled",
            Errno::EOWNERDEAD => "Owner died",
            Errno::ENOTRECOVERABLE => "State not recoverable",
            Errno::ERESTARTSYS => "To be restarted",
        }
    }
}

impl std::fmt::Display for Errno {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.name(), self.message())
    }
}

impl std::error::Error for Errno {}

#[cfg(test)]
mod tests {
    /// The workspace keeps overflow checks on for this crate in release builds
    /// (`[profile.release.package.wasmlinux-kernel]`), which is the profile
    /// `cargo test --release` uses: the proptest and the unit tests must see a
    /// wrapped length as a panic, not as a silently wrong value.
    #[test]
    #[should_panic(expected = "overflow")]
    fn overflow_checks_are_on() {
        let len = std::hint::black_box(u32::MAX);
        let _ = std::hint::black_box(len + 1);
    }

    use super::*;

    #[test]
    fn codes_round_trip_and_are_sorted() {
        for w in Errno::ALL.windows(2) {
            assert!(w[0].code() < w[1].code());
        }
        for &e in Errno::ALL {
            assert_eq!(Errno::from_code(e.code()), Some(e));
            assert_eq!(e.to_ret(), -e.code());
        }
        assert_eq!(Errno::from_code(512), None);
        assert_eq!(Errno::ENOENT.name(), "ENOENT");
        assert_eq!(Errno::EPIPE.code(), 32);
        assert_eq!(Errno::ENOSYS.code(), 38);
        assert_eq!(Errno::ELOOP.code(), 40);
    }

    /// The enum against the generated uapi constants, by name: every
    /// variant is the uapi errno of the same name, and the aliases agree.
    #[test]
    fn errno_matches_generated_uapi() {
        let text = include_str!("abi/uapi.rs");
        let uapi_consts: std::collections::BTreeMap<&str, i32> = text
            .lines()
            .filter_map(|l| l.strip_prefix("pub const E")?.split_once(": u32 = "))
            .filter_map(|(name, v)| Some((name, v.trim_end_matches(';').parse().ok()?)))
            .collect();
        assert!(uapi_consts.len() >= Errno::ALL.len(), "uapi.rs has {} errno constants", uapi_consts.len());
        for &e in Errno::ALL {
            let name = &e.name()[1..];
            assert_eq!(uapi_consts.get(name), Some(&e.code()), "{} differs from uapi.rs", e.name());
        }
        assert_eq!(EWOULDBLOCK.code() as u32, uapi::EWOULDBLOCK);
        assert_eq!(EDEADLOCK.code() as u32, uapi::EDEADLOCK);
        // Every uapi errno the enum lacks has a number the enum does not use.
        for (name, v) in &uapi_consts {
            if let Some(e) = Errno::from_code(*v) {
                let alias = matches!(*name, "WOULDBLOCK" | "DEADLOCK");
                assert!(alias || &e.name()[1..] == *name, "E{name} = {v} is {} in the enum", e.name());
            }
        }
    }
}
