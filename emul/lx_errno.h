/* Linux errno values (x86_64), prefixed so the freestanding brand never needs host headers. */
#ifndef LXZONE_LX_ERRNO_H
#define LXZONE_LX_ERRNO_H

#define LX_EPERM	1
#define LX_ENOENT	2
#define LX_ESRCH	3
#define LX_EINTR	4
#define LX_EIO		5
#define LX_E2BIG	7
#define LX_ENOEXEC	8
#define LX_EBADF	9
#define LX_ECHILD	10
#define LX_EAGAIN	11
#define LX_ENOMEM	12
#define LX_EACCES	13
#define LX_EFAULT	14
#define LX_EBUSY	16
#define LX_EEXIST	17
#define LX_ENODEV	19
#define LX_ENOTDIR	20
#define LX_EISDIR	21
#define LX_EINVAL	22
#define LX_ENFILE	23
#define LX_EMFILE	24
#define LX_ETXTBSY	26
#define LX_ENOSPC	28
#define LX_ESPIPE	29
#define LX_EROFS	30
#define LX_ERANGE	34
#define LX_ENAMETOOLONG 36
#define LX_ENOSYS	38
#define LX_ELOOP	40
#define LX_ELIBBAD	80
#define LX_EOPNOTSUPP	95

#endif
