// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Saving, loading and walking any {@link OptimizerState}, including a {@link Chain.ChainState} of
 * other states. A state is a record whose components are {@code long}, {@code int}, {@code double},
 * {@code boolean}, {@code List<NDArray>}, {@code OptimizerState} or {@code List<OptimizerState>};
 * the codec walks the record components, so a new state record needs no codec code.
 *
 * <p>Format (version 2): a magic string and version, then per state its stable name ({@link
 * #NAMES}: renaming or moving a Java class does not break saved states) and its components in
 * declaration order; arrays go through DJL's {@link NDList#encode()}, which keeps the raw bytes, so
 * a round trip is bit-exact.
 */
public final class OptimizerStates {

  private static final String MAGIC = "ample-optimizer-state";
  private static final int VERSION = 2;

  /** Each state record's name in saved states; a new state record needs an entry here. */
  private static final Map<String, Class<? extends OptimizerState>> NAMES = Map.of(
      "chain", Chain.ChainState.class,
      "count", Transforms.CountState.class,
      "trace", Transforms.TraceState.class,
      "adagrad", Transforms.AdaGradState.class,
      "adadelta", Transforms.AdaDeltaState.class,
      "rms", Transforms.RmsState.class,
      "moments", Transforms.MomentsState.class,
      "amsgrad", Transforms.AmsGradState.class,
      "adamax", Transforms.AdaMaxState.class);

  private OptimizerStates() {}

  /** The state as bytes. */
  public static byte[] encode(OptimizerState state) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(MAGIC);
      out.writeInt(VERSION);
      write(out, state);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A state from {@link #encode} bytes, its arrays created in {@code manager}. */
  public static OptimizerState decode(byte[] bytes, NDManager manager) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (!MAGIC.equals(in.readUTF())) {
        throw new IllegalArgumentException("not an ample optimizer state");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new IllegalArgumentException("unsupported optimizer state version " + version);
      }
      return read(in, manager);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every array held by the state, depth first in component order. */
  public static List<NDArray> arrays(OptimizerState state) {
    List<NDArray> out = new ArrayList<>();
    collect(state, out);
    return out;
  }

  /** Closes every array of the state (for a state that is dropped rather than updated). */
  public static void close(OptimizerState state) {
    arrays(state).forEach(NDArray::close);
  }

  @SuppressWarnings("unchecked")
  private static void collect(OptimizerState state, List<NDArray> out) {
    for (RecordComponent rc : components(state)) {
      Object v = value(rc, state);
      if (v instanceof OptimizerState s) {
        collect(s, out);
      } else if (v instanceof List<?> list) {
        for (Object o : list) {
          if (o instanceof NDArray a) {
            out.add(a);
          } else if (o instanceof OptimizerState s) {
            collect(s, out);
          }
        }
      }
    }
  }

  private static RecordComponent[] components(OptimizerState state) {
    RecordComponent[] rcs = state.getClass().getRecordComponents();
    if (rcs == null) {
      throw new IllegalArgumentException(
          state.getClass().getName() + " is not a record; optimizer states must be records");
    }
    return rcs;
  }

  private static Object value(RecordComponent rc, Object record) {
    try {
      rc.getAccessor().setAccessible(true);
      return rc.getAccessor().invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + rc.getName() + " of " + record.getClass(), e);
    }
  }

  private static void write(DataOutputStream out, OptimizerState state) throws IOException {
    out.writeUTF(nameOf(state.getClass()));
    for (RecordComponent rc : components(state)) {
      Class<?> type = rc.getType();
      Object v = value(rc, state);
      if (type == long.class) {
        out.writeLong((Long) v);
      } else if (type == int.class) {
        out.writeInt((Integer) v);
      } else if (type == double.class) {
        out.writeLong(Double.doubleToRawLongBits((Double) v));
      } else if (type == boolean.class) {
        out.writeBoolean((Boolean) v);
      } else if (OptimizerState.class.isAssignableFrom(type)) {
        write(out, (OptimizerState) v);
      } else if (type == List.class && elementType(rc) == NDArray.class) {
        List<?> list = (List<?>) v;
        out.writeInt(list.size());
        if (!list.isEmpty()) {
          NDList nd = new NDList(list.size());
          list.forEach(a -> nd.add((NDArray) a));
          byte[] b = nd.encode();
          out.writeInt(b.length);
          out.write(b);
        }
      } else if (type == List.class && elementType(rc) == OptimizerState.class) {
        List<?> list = (List<?>) v;
        out.writeInt(list.size());
        for (Object o : list) {
          write(out, (OptimizerState) o);
        }
      } else {
        throw new IllegalArgumentException(
            "cannot encode component " + rc.getName() + " of type " + rc.getGenericType()
                + " in " + state.getClass().getName());
      }
    }
  }

  private static OptimizerState read(DataInputStream in, NDManager manager) throws IOException {
    String name = in.readUTF();
    Class<?> cls = NAMES.get(name);
    if (cls == null) {
      throw new IllegalArgumentException("unknown optimizer state '" + name + "'");
    }
    RecordComponent[] rcs = cls.getRecordComponents();
    Object[] args = new Object[rcs.length];
    Class<?>[] types = new Class<?>[rcs.length];
    for (int i = 0; i < rcs.length; i++) {
      RecordComponent rc = rcs[i];
      Class<?> type = rc.getType();
      types[i] = type;
      if (type == long.class) {
        args[i] = in.readLong();
      } else if (type == int.class) {
        args[i] = in.readInt();
      } else if (type == double.class) {
        args[i] = Double.longBitsToDouble(in.readLong());
      } else if (type == boolean.class) {
        args[i] = in.readBoolean();
      } else if (OptimizerState.class.isAssignableFrom(type)) {
        args[i] = read(in, manager);
      } else if (type == List.class && elementType(rc) == NDArray.class) {
        int n = in.readInt();
        List<NDArray> list = new ArrayList<>(n);
        if (n > 0) {
          byte[] b = new byte[in.readInt()];
          in.readFully(b);
          NDList nd = NDList.decode(manager, b);
          if (nd.size() != n) {
            throw new IllegalArgumentException("corrupt optimizer state: array count mismatch");
          }
          list.addAll(nd);
        }
        args[i] = List.copyOf(list);
      } else if (type == List.class && elementType(rc) == OptimizerState.class) {
        int n = in.readInt();
        List<OptimizerState> list = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
          list.add(read(in, manager));
        }
        args[i] = List.copyOf(list);
      } else {
        throw new IllegalArgumentException("cannot decode component " + rc.getName() + " of " + name);
      }
    }
    try {
      Constructor<?> ctor = cls.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return (OptimizerState) ctor.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot construct " + name, e);
    }
  }

  private static String nameOf(Class<?> cls) {
    for (Map.Entry<String, Class<? extends OptimizerState>> e : NAMES.entrySet()) {
      if (e.getValue() == cls) {
        return e.getKey();
      }
    }
    throw new IllegalArgumentException(cls.getName() + " has no stable name in OptimizerStates");
  }

  private static Type elementType(RecordComponent rc) {
    if (rc.getGenericType() instanceof ParameterizedType pt) {
      return pt.getActualTypeArguments()[0];
    }
    return Object.class;
  }
}
