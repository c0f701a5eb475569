pipeline {
    agent {
        docker {
            image 'alpine'
            imge 'x'
        }
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
