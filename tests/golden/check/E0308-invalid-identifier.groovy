pipeline {
    agent any
    environment {
        $DOLLAR = 'x'
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
