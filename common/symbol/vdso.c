// SPDX-License-Identifier: GPL-2.0
/* Our own vDSO image; see vdso.h. */
#include <elf.h>
#include <string.h>
#include <sys/auxv.h>

#include "symbol/vdso.h"

const void *vdso__image(size_t *size)
{
	const unsigned char *img = (const void *)getauxval(AT_SYSINFO_EHDR);
	const Elf64_Ehdr *eh = (const void *)img;
	size_t end, i;

	if (!img || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return NULL;
	/* No file size to go by: the image ends where its last part does. */
	end = eh->e_shoff + (size_t)eh->e_shnum * eh->e_shentsize;
	for (i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const void *)(img + eh->e_phoff +
						      i * eh->e_phentsize);

		if (ph->p_type == PT_LOAD && ph->p_offset + ph->p_filesz > end)
			end = ph->p_offset + ph->p_filesz;
	}
	*size = end;
	return img;
}
