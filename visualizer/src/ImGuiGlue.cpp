#include "ImGuiGlue.h"

#include <backends/imgui_impl_opengl2.h>
#include <imgui.h>

#include <filesystem>

namespace buurt::view {

namespace {
int map_key(sf::Keyboard::Key k) { return static_cast<int>(k); }
}  // namespace

ImGuiGlue::ImGuiGlue(sf::RenderWindow& window, const std::string& font_file, float font_px) : window_(window) {
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no imgui.ini next to the user's files
  io.BackendPlatformName = "buurt-view-sfml";
  // 1.86 keyboard API: KeyMap maps ImGuiKey_* to indices into KeysDown[]; we use SFML key codes as indices.
  io.KeyMap[ImGuiKey_Tab] = map_key(sf::Keyboard::Tab);
  io.KeyMap[ImGuiKey_LeftArrow] = map_key(sf::Keyboard::Left);
  io.KeyMap[ImGuiKey_RightArrow] = map_key(sf::Keyboard::Right);
  io.KeyMap[ImGuiKey_UpArrow] = map_key(sf::Keyboard::Up);
  io.KeyMap[ImGuiKey_DownArrow] = map_key(sf::Keyboard::Down);
  io.KeyMap[ImGuiKey_PageUp] = map_key(sf::Keyboard::PageUp);
  io.KeyMap[ImGuiKey_PageDown] = map_key(sf::Keyboard::PageDown);
  io.KeyMap[ImGuiKey_Home] = map_key(sf::Keyboard::Home);
  io.KeyMap[ImGuiKey_End] = map_key(sf::Keyboard::End);
  io.KeyMap[ImGuiKey_Insert] = map_key(sf::Keyboard::Insert);
  io.KeyMap[ImGuiKey_Delete] = map_key(sf::Keyboard::Delete);
  io.KeyMap[ImGuiKey_Backspace] = map_key(sf::Keyboard::Backspace);
  io.KeyMap[ImGuiKey_Space] = map_key(sf::Keyboard::Space);
  io.KeyMap[ImGuiKey_Enter] = map_key(sf::Keyboard::Enter);
  io.KeyMap[ImGuiKey_Escape] = map_key(sf::Keyboard::Escape);
  io.KeyMap[ImGuiKey_A] = map_key(sf::Keyboard::A);
  io.KeyMap[ImGuiKey_C] = map_key(sf::Keyboard::C);
  io.KeyMap[ImGuiKey_V] = map_key(sf::Keyboard::V);
  io.KeyMap[ImGuiKey_X] = map_key(sf::Keyboard::X);
  io.KeyMap[ImGuiKey_Y] = map_key(sf::Keyboard::Y);
  io.KeyMap[ImGuiKey_Z] = map_key(sf::Keyboard::Z);

  // Latin-1 plus the dashes, bullet, ellipsis, arrows, euro and minus signs that labels and values use;
  // ImGui keeps a pointer to the ranges until the atlas is built.
  static const ImWchar kRanges[] = {0x0020, 0x00FF, 0x2013, 0x2014, 0x2022, 0x2022, 0x2026, 0x2026, 0x2190, 0x2193, 0x20AC, 0x20AC, 0x2212, 0x2212, 0};
  std::error_code ec;
  if (!font_file.empty() && std::filesystem::exists(font_file, ec))
    io.Fonts->AddFontFromFileTTF(font_file.c_str(), font_px, nullptr, kRanges);
  else {
    ImFontConfig cfg;
    cfg.SizePixels = font_px;
    cfg.GlyphRanges = kRanges;
    io.Fonts->AddFontDefault(&cfg);
  }
  ImGui::StyleColorsDark();
  ImGuiStyle& st = ImGui::GetStyle();
  st.WindowRounding = 4.0f;
  st.FrameRounding = 3.0f;
  st.ScaleAllSizes(font_px / 15.0f);
  // Software GL (Xvfb, projector laptops without drivers) pays for every blended pixel: opaque windows.
  st.Colors[ImGuiCol_WindowBg].w = 1.0f;
  st.Colors[ImGuiCol_PopupBg].w = 1.0f;
  ImGui_ImplOpenGL2_Init();
}

ImGuiGlue::~ImGuiGlue() {
  ImGui_ImplOpenGL2_Shutdown();
  ImGui::DestroyContext();
}

void ImGuiGlue::process(const sf::Event& e) {
  ImGuiIO& io = ImGui::GetIO();
  switch (e.type) {
    case sf::Event::MouseMoved: io.MousePos = ImVec2(static_cast<float>(e.mouseMove.x), static_cast<float>(e.mouseMove.y)); break;
    case sf::Event::MouseButtonPressed:
    case sf::Event::MouseButtonReleased: {
      const int b = e.mouseButton.button;
      if (b >= 0 && b < 5) io.MouseDown[b] = e.type == sf::Event::MouseButtonPressed;
      break;
    }
    case sf::Event::MouseWheelScrolled:
      if (e.mouseWheelScroll.wheel == sf::Mouse::VerticalWheel)
        io.MouseWheel += e.mouseWheelScroll.delta;
      else
        io.MouseWheelH += e.mouseWheelScroll.delta;
      break;
    case sf::Event::KeyPressed:
    case sf::Event::KeyReleased: {
      const int k = e.key.code;
      if (k >= 0 && k < static_cast<int>(IM_ARRAYSIZE(io.KeysDown))) io.KeysDown[k] = e.type == sf::Event::KeyPressed;
      io.KeyCtrl = e.key.control;
      io.KeyShift = e.key.shift;
      io.KeyAlt = e.key.alt;
      io.KeySuper = e.key.system;
      break;
    }
    case sf::Event::TextEntered:
      if (e.text.unicode >= 32 && e.text.unicode != 127) io.AddInputCharacter(e.text.unicode);
      break;
    case sf::Event::LostFocus: io.AddFocusEvent(false); break;
    case sf::Event::GainedFocus: io.AddFocusEvent(true); break;
    default: break;
  }
}

void ImGuiGlue::new_frame(float dt) {
  ImGuiIO& io = ImGui::GetIO();
  const auto size = window_.getSize();
  io.DisplaySize = ImVec2(static_cast<float>(size.x), static_cast<float>(size.y));
  io.DeltaTime = dt > 0.0f ? dt : 1.0f / 60.0f;
  ImGui_ImplOpenGL2_NewFrame();
  ImGui::NewFrame();
}

void ImGuiGlue::render() {
  ImGui::Render();
  window_.pushGLStates();
  ImGui_ImplOpenGL2_RenderDrawData(ImGui::GetDrawData());
  window_.popGLStates();
}

bool ImGuiGlue::wants_mouse() const { return ImGui::GetIO().WantCaptureMouse; }
bool ImGuiGlue::wants_keyboard() const { return ImGui::GetIO().WantCaptureKeyboard; }

}  // namespace buurt::view
