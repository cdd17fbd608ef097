@echo off
rem bgtrain.bat - run bgtrain inside WSL from Windows, while the bot plays.
rem
rem   bgtrain.bat run --replays D:\replays --experience C:\bot\experience
rem
rem Windows paths given to the path options are translated with wslpath
rem (D:\replays becomes /mnt/d/replays); everything else is passed as it is.
rem REPLAY_ARCHIVE_DIR and NUM_INSTANCES are handed to WSL too.
rem The Windows drives are 9p file systems in WSL, where inotify does not see
rem what Windows programs (the game, the bot) write: bgtrain finds them and
rem walks those folders every 30 s instead (--poll S sets how often).
setlocal EnableDelayedExpansion
set "ARGS="
set "PATHOPT="
:next
if "%~1"=="" goto run
set "A=%~1"
if defined PATHOPT (
  for /f "usebackq delims=" %%P in (`wsl wslpath -a "!A:\=/!"`) do set "A=%%P"
  set "PATHOPT="
) else (
  for %%O in (--replays --experience --bot --state --learned --model --deploy --quarantine --done-dir --config) do if /i "!A!"=="%%O" set "PATHOPT=1"
)
set "ARGS=!ARGS! "!A!""
shift
goto next
:run
set "WSLENV=REPLAY_ARCHIVE_DIR/p:NUM_INSTANCES"
wsl bgtrain !ARGS!
exit /b %ERRORLEVEL%
