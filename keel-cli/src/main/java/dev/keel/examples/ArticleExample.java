package dev.keel.examples;

import static dev.keel.activations.Activation.RELU;
import static dev.keel.activations.Activation.SOFTMAX;

import dev.keel.Tensor;
import dev.keel.Tensors;
import dev.keel.callbacks.History;
import dev.keel.io.datasets.FashionMnist;
import dev.keel.layers.core.Dense;
import dev.keel.layers.normalization.BatchNormalization;
import dev.keel.models.Sequential;
import java.nio.file.Path;
import java.util.Map;

/**
 * The article's Keras program, line for line:
 * <pre>
 * model = Sequential()
 * model.add(Dense(128, activation='relu', input_dim=784))
 * model.add(BatchNormalization())
 * model.add(Dense(64, activation='relu'))
 * model.add(BatchNormalization())
 * model.add(Dense(10, activation='softmax'))
 * model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
 * model.fit(x_train, y_train, epochs=10, batch_size=32)
 * </pre>
 * trained on Fashion-MNIST. Run: {@code ./keel example [epochs]}.
 */
public final class ArticleExample {
    private ArticleExample() {}

    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        FashionMnist.Data data = FashionMnist.load(args.length > 1 ? Path.of(args[1]) : null);
        Tensor yTrain = Tensors.oneHot(data.yTrain(), 10), yTest = Tensors.oneHot(data.yTest(), 10);

        Sequential model = new Sequential();
        model.add(Dense.builder(128).activation(RELU).inputDim(784).build());
        model.add(new BatchNormalization());
        model.add(new Dense(64, RELU));
        model.add(new BatchNormalization());
        model.add(new Dense(10, SOFTMAX));
        model.compile("adam", "categorical_crossentropy", "accuracy");
        System.out.print(model.summary());

        // The article's customisation: BatchNormalization(momentum=0.9, epsilon=1e-5, center=True)
        // would be BatchNormalization.builder().momentum(0.9).epsilon(1e-5).center(true).build().

        long t0 = System.nanoTime();
        History history = model.fit(data.xTrain(), yTrain, epochs, 32);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> test = model.evaluate(data.xTest(), yTest);
        System.out.printf("test accuracy %.4f, test loss %.4f, training %.1f s%n", test.get("accuracy"), test.get("loss"), seconds);
        System.out.println("history: " + history.history().keySet());
    }
}
