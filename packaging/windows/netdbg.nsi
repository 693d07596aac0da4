; netdbg's Windows installer: NSIS 3 (Debian's `nsis` package), Modern UI 2.
;
;   makensis /DVERSION=0.1.0 /DSTAGE=DIR /DOUTFILE=dist/netdbg-0.1.0-setup.exe \
;            [/DHOMEPAGE=URL] packaging/windows/netdbg.nsi
;
; scripts/package-windows-installer.sh runs it (from scripts/package-windows.sh), with
; VERSION from Cargo.toml and STAGE the folder holding netdbg.exe and the documents of the
; portable zip; scripts/wine-installer.sh checks the result under Wine.
;
; What it does: installs for all users into "Program Files\netdbg" (admin; the program
; itself never writes there), a Start-menu shortcut "netdbg" for all users, and an
; "Apps & features" / "Add or remove programs" entry. The uninstaller removes exactly
; those files, the folder (when nothing foreign is in it), the shortcut and the registry
; key. The settings the program writes at run time (%APPDATA%\netdbg) are the user's
; and stay. Never install netdbg.portable: an installed copy keeps its settings in the
; profile, and Program Files is not writable anyway.
;
; The installer is a 64-bit (amd64-unicode) NSIS program like netdbg.exe itself, which
; has no 32-bit build: it needs no WOW64 registry or folder redirection, and runs under
; a 64-bit-only Wine (Debian's wine64 without wine32).

Unicode true
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel admin

!ifndef VERSION
  !error "pass /DVERSION=X.Y.Z (scripts/package-windows-installer.sh reads it from Cargo.toml)"
!endif
!ifndef STAGE
  !error "pass /DSTAGE=DIR, the folder with netdbg.exe, README.md, LICENSE and the licences"
!endif
!ifndef OUTFILE
  !define OUTFILE "netdbg-${VERSION}-setup.exe"
!endif
; Windows wants four numbers in the version resource: 0.1.0-beta.1 -> 0.1.0.0.
!searchparse /noerrors "${VERSION}" "" VER_MAJOR "." VER_MINOR "." VER_PATCH_FULL
!searchparse /noerrors "${VER_PATCH_FULL}-" "" VER_PATCH "-"
!ifndef VER_PATCH_FULL
  !error "VERSION ${VERSION} is not MAJOR.MINOR.PATCH[-PRE]"
!endif

!define APP "netdbg"
!define PUBLISHER "the netdbg authors"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
; The repository; makensis works in this file's folder (no /NOCD), so relative paths start here.
!define ROOT "../.."

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP}"
; A reinstall or an upgrade goes where the last one went.
InstallDirRegKey HKLM "${UNINST_KEY}" "InstallLocation"
BrandingText "${APP} ${VERSION}"

VIProductVersion "${VER_MAJOR}.${VER_MINOR}.${VER_PATCH}.0"
VIFileVersion "${VER_MAJOR}.${VER_MINOR}.${VER_PATCH}.0"
VIAddVersionKey /LANG=0 "ProductName" "${APP}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP} ${VERSION} setup (网络调试助手)"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT License, ${PUBLISHER}"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"

!define MUI_ICON "${ROOT}/assets/icon.ico"
!define MUI_UNICON "${ROOT}/assets/icon.ico"
!define MUI_ABORTWARNING
; No "Run netdbg" box on the last page: started from here it would run elevated, as admin.
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first is the fallback; Windows' display language picks between them.
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "SimpChinese"

LangString ShortcutDescription ${LANG_ENGLISH} "Network debugging assistant (网络调试助手): UDP, TCP server and client, file transfer"
LangString ShortcutDescription ${LANG_SIMPCHINESE} "网络调试助手：UDP、TCP 服务器与客户端、文件传输"
LangString FileInUse ${LANG_ENGLISH} "netdbg.exe cannot be removed: close netdbg and try again."
LangString FileInUse ${LANG_SIMPCHINESE} "无法删除 netdbg.exe：请先关闭 netdbg 再重试。"

Section "netdbg" SecMain
  SectionIn RO
  SetShellVarContext all
  SetOutPath "$INSTDIR"
  ; The portable zip's files, listed one by one (never netdbg.portable); the
  ; uninstaller deletes the same list.
  File "${STAGE}/netdbg.exe"
  File "${STAGE}/README.md"
  File "${STAGE}/LICENSE"
  File "${STAGE}/LICENSE-DroidSansFallback.txt"
  File "${STAGE}/LICENSE-NotoSansCJK.txt"
  File "${STAGE}/third-party-licenses.html"
  WriteUninstaller "$INSTDIR\Uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\netdbg.exe" "" \
    "$INSTDIR\netdbg.exe" 0 SW_SHOWNORMAL "" "$(ShortcutDescription)"

  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\netdbg.exe,0"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  !ifdef HOMEPAGE
    WriteRegStr HKLM "${UNINST_KEY}" "URLInfoAbout" "${HOMEPAGE}"
  !endif
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
  ; In KiB, what the folder holds now.
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

; A 64-bit installer sees the 64-bit registry anyway; said again in case Target changes.
Function .onInit
  SetRegView 64
FunctionEnd

Section "Uninstall"
  SetShellVarContext all
  ; A running netdbg keeps its exe locked: say so and stop, rather than leave half of it.
  ClearErrors
  Delete "$INSTDIR\netdbg.exe"
  ${If} ${Errors}
  ${AndIf} ${FileExists} "$INSTDIR\netdbg.exe"
    MessageBox MB_OK|MB_ICONSTOP "$(FileInUse)" /SD IDOK
    SetErrorLevel 2
    Abort
  ${EndIf}
  Delete "$INSTDIR\README.md"
  Delete "$INSTDIR\LICENSE"
  Delete "$INSTDIR\LICENSE-DroidSansFallback.txt"
  Delete "$INSTDIR\LICENSE-NotoSansCJK.txt"
  Delete "$INSTDIR\third-party-licenses.html"
  Delete "$INSTDIR\Uninstall.exe"
  ; Not /r: anything the user put there stays, with its folder.
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APP}.lnk"
  DeleteRegKey HKLM "${UNINST_KEY}"

  ; NSIS runs the uninstaller from a copy, %TEMP%\~nsuN.tmp\Un.exe, and asks Windows to
  ; delete that folder, then the copy, at the next restart: in that order the folder is
  ; still full when its turn comes, and stays. Asking once more, after the copy, lets it go
  ; too. Not worth a restart prompt, so the flag this raises is lowered again.
  ${GetFileName} "$EXEDIR" $0
  StrCpy $0 $0 4
  ${If} $0 == "~nsu"
  ${AndIf} $EXEDIR != $INSTDIR
    RMDir /REBOOTOK "$EXEDIR"
    SetRebootFlag false
  ${EndIf}
SectionEnd

Function un.onInit
  SetRegView 64
FunctionEnd
