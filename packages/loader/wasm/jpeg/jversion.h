/* libjpeg-turbo's jversion.h (generated from jversion.h.in); nothing in the decoder prints it. */
#define JVERSION  "6b  27-Mar-1998"
#define JCOPYRIGHT  "Copyright (C) libjpeg-turbo Project, Independent JPEG Group"
#define JCOPYRIGHT_SHORT  "Copyright (C) 1991-2022 The libjpeg-turbo Project and many others"
