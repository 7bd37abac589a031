// Everything lives in the header; SwiftPM needs one source file for a C target.
#include "CSystemShims.h"
