@echo off
rem bgtrain.bat - bgtrain in WSL, from Windows, while the bot plays.
rem
rem   bgtrain.bat run --replays D:\replays --experience C:\bot\experience
rem
rem It parses nothing: cmd's quoting and delayed expansion would mangle "!",
rem "=" and paths, so the arguments go to WSL as they were typed, and
rem bgtrain --windows-paths makes the Windows paths in its path options and
rem config files WSL's (wslpath). Quote an argument that holds & | < > or ^.
rem bgtrain reads the Windows host's figures from the res-gate.exe beside this
rem file (make install-windows puts both in %LOCALAPPDATA%\bgtrain), handed
rem over as BGTRAIN_WINDIR; REPLAY_ARCHIVE_DIR and NUM_INSTANCES go to WSL too.
rem The Windows drives are 9p file systems in WSL, where inotify does not see
rem what Windows programs (the game, the bot) write: bgtrain finds them and
rem walks those folders every 30 s instead (--poll S sets how often).
setlocal DisableDelayedExpansion
set "BGTRAIN_WINDIR=%~dp0"
if not exist "%~dp0res-gate.exe" set "BGTRAIN_WINDIR=%LOCALAPPDATA%\bgtrain\"
set "BGTRAIN_WINDIR=%BGTRAIN_WINDIR:~0,-1%"
set "WSLENV=%WSLENV%:REPLAY_ARCHIVE_DIR/p:NUM_INSTANCES:BGTRAIN_WINDIR/p"
wsl.exe -e bgtrain --windows-paths %*
exit /b %ERRORLEVEL%
